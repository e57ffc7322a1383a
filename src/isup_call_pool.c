/* Call objects of the ISUP relay: the FSM instance and struct isup_call of a call, named, and
 * kept for the next call when the call ends.
 *
 * Allocating an osmo_fsm instance costs ~1,600 instructions (libosmocore formats its name with
 * talloc_asprintf()), plus the call's own ~1.5 KiB and the names: about a fifth of what an IAM
 * costs np700 (issue 5). An ended call's instance is therefore parked in the IDLE state (no
 * event is accepted there, no timer runs) on the relay's pool and renamed for the next call,
 * up to ISUP_CALL_POOL_MAX of them; past that, and when the relay goes, instances are
 * terminated as usual. Parked instances are in no call list: "show isup calls" and the
 * circuits never see them. */
#include <string.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/talloc.h>

#include <np700/isup_internal.h>

/* the largest id: a 32-bit call number */
#define ID_LEN		sizeof("4294967295")
#define NAME_LEN	(sizeof("isup_call()[0x]") + ID_LEN + 2 * sizeof(void *))

/* The instance's address as its name ends, ")[0x<address>]" (what osmo_fsm_log_addr(true) adds):
 * written once per instance, as the address does not change while the object is pooled. */
static void name_tail(struct isup_call *call)
{
	uintptr_t addr = (uintptr_t)call->fi;
	char *t = call->name_tail;
	int k = 4, d;

	memcpy(t, ")[0x", 4);
	for (d = 2 * sizeof(addr); d > 1 && !(addr >> (4 * (d - 1))); d--)
		;
	while (d--)
		t[k++] = "0123456789abcdef"[(addr >> (4 * d)) & 0xf];
	t[k++] = ']';
	t[k] = '\0';
	call->name_tail_len = k;
}

/* The call number as the instance's id and "isup_call(<id>)[0x<address>]" as its name: what
 * osmo_fsm_inst_update_id() with the default osmo_fsm_log_addr(true) makes of it, written into
 * the buffers the instance got once. A number is always a valid id. */
static void name_call(struct isup_call *call, uint32_t n)
{
	struct osmo_fsm_inst *fi = call->fi;
	char id[ID_LEN], *name = (char *)fi->name;
	int i = sizeof(id) - 1, k;

	id[i] = '\0';
	do {
		id[--i] = '0' + n % 10;
		n /= 10;
	} while (n);
	memcpy((char *)fi->id, id + i, sizeof(id) - i);
	k = sizeof("isup_call(") - 1;
	memcpy(name, "isup_call(", k);
	memcpy(name + k, id + i, sizeof(id) - i - 1);
	k += sizeof(id) - i - 1;
	memcpy(name + k, call->name_tail, call->name_tail_len + 1);
}

static struct isup_call *call_new(struct isup_relay *r)
{
	struct osmo_fsm_inst *fi;
	struct isup_call *call;
	char *id, *name;

	fi = osmo_fsm_inst_alloc(&isup_call_fsm, r, NULL, LOGL_INFO, NULL);
	if (!fi)
		return NULL;
	id = talloc_size(fi, ID_LEN);
	name = talloc_size(fi, NAME_LEN);
	call = talloc_size(fi, sizeof(*call));
	if (!id || !name || !call) {
		osmo_fsm_inst_free(fi);
		return NULL;
	}
	talloc_free((char *)fi->name);
	fi->id = id;
	fi->name = name;
	call->fi = fi;
	call->in.rel = call->out.rel = NULL;
	name_tail(call);
	return call;
}

struct isup_call *isup_call_obj_get(struct isup_relay *r)
{
	struct osmo_fsm_inst *fi;
	struct isup_call *call;
	uint8_t *rel_in, *rel_out;

	if (!llist_empty(&r->call_pool)) {
		call = llist_first_entry(&r->call_pool, struct isup_call, list);
		llist_del(&call->list);
		r->n_call_pool--;
		/* back in COLLECT as a new instance starts there: without a state change (no timer
		 * runs in IDLE, and a new instance logs none either) */
		call->fi->state = ISUP_CST_COLLECT;
	} else {
		call = call_new(r);
		if (!call)
			return NULL;
	}
	fi = call->fi;
	/* zero all but the large message buffers at the end; the legs' REL copies (talloc'ed on
	 * the call by leg_release() when first needed) stay with the object for the next calls */
	rel_in = call->in.rel;
	rel_out = call->out.rel;
	memset(call, 0, offsetof(struct isup_call, iam));
	call->in.rel = rel_in;
	call->out.rel = rel_out;
	call->fi = fi;
	fi->priv = call;
	call->r = r;
	call->id = ++r->next_call_id;
	name_call(call, call->id);
	return call;
}

void isup_call_obj_put(struct isup_call *call)
{
	struct isup_relay *r = call->r;

	if (r->n_call_pool >= ISUP_CALL_POOL_MAX) {
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REGULAR, NULL);
		return;
	}
	osmo_fsm_inst_state_chg(call->fi, ISUP_CST_IDLE, 0, 0);
	llist_add(&call->list, &r->call_pool);
	r->n_call_pool++;
}

void isup_call_pool_free(struct isup_relay *r)
{
	struct isup_call *call, *tmp;

	llist_for_each_entry_safe(call, tmp, &r->call_pool, list) {
		llist_del(&call->list);
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REQUEST, NULL);
	}
	r->n_call_pool = 0;
}
