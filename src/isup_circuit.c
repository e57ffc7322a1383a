/* ISUP circuit groups: CIC ranges towards one switch, per-circuit state, seizure with dual
 * seizure control (Q.764 §2.10.1.4) */
#include <errno.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/isup_internal.h>
#include <np700/logging.h>

const struct value_string isup_circ_state_names[] = {
	{ ISUP_CIRC_IDLE, "idle" },
	{ ISUP_CIRC_INCOMING, "incoming" },
	{ ISUP_CIRC_OUTGOING, "outgoing" },
	{ 0, NULL }
};

static bool cg_busy(const struct isup_cgroup *cg)
{
	unsigned int i;

	for (i = 0; cg->circ && i <= (unsigned int)(cg->last - cg->first); i++) {
		if (cg->circ[i].call || cg->circ[i].state != ISUP_CIRC_IDLE)
			return true;
	}
	return false;
}

static bool range_overlaps(struct isup_relay *r, const struct isup_cgroup *self, uint32_t dpc, uint16_t first,
			   uint16_t last)
{
	struct isup_cgroup *cg;

	llist_for_each_entry(cg, &r->cgroups, list) {
		if (cg == self || cg->dpc != dpc || !cg->circ)
			continue;
		if (first <= cg->last && cg->first <= last)
			return true;
	}
	return false;
}

struct isup_cgroup *isup_cgroup_find(struct isup_relay *r, const char *name)
{
	struct isup_cgroup *cg;

	llist_for_each_entry(cg, &r->cgroups, list) {
		if (!strcmp(cg->name, name))
			return cg;
	}
	return NULL;
}

struct isup_cgroup *isup_cgroup_alloc(struct isup_relay *r, const char *name, uint32_t dpc, uint16_t first,
				      uint16_t last)
{
	struct isup_cgroup *cg;

	if (isup_cgroup_find(r, name))
		return NULL;
	cg = talloc_zero(r, struct isup_cgroup);
	if (!cg)
		return NULL;
	cg->r = r;
	cg->name = talloc_strdup(cg, name);
	cg->dpc = dpc;
	llist_add_tail(&cg->list, &r->cgroups);
	/* a group without circuits yet is allowed: the VTY sets "cic" after "dpc" */
	if (first <= last && isup_cgroup_set_range(cg, first, last) < 0) {
		isup_cgroup_free(cg);
		return NULL;
	}
	return cg;
}

int isup_cgroup_set_dpc(struct isup_cgroup *cg, uint32_t dpc)
{
	if (cg_busy(cg))
		return -EBUSY;
	if (cg->circ && range_overlaps(cg->r, cg, dpc, cg->first, cg->last))
		return -EEXIST;
	cg->dpc = dpc;
	return 0;
}

int isup_cgroup_set_range(struct isup_cgroup *cg, uint16_t first, uint16_t last)
{
	struct isup_circuit *circ;
	unsigned int i;

	if (first > last || last > 0x0fff)
		return -EINVAL;
	if (cg_busy(cg))
		return -EBUSY;
	if (range_overlaps(cg->r, cg, cg->dpc, first, last))
		return -EEXIST;
	circ = talloc_zero_array(cg, struct isup_circuit, last - first + 1);
	if (!circ)
		return -ENOMEM;
	for (i = 0; i <= (unsigned int)(last - first); i++)
		circ[i].cic = first + i;
	talloc_free(cg->circ);
	cg->circ = circ;
	cg->first = first;
	cg->last = last;
	cg->hunt = 0;
	return 0;
}

void isup_cgroup_set_reject_cause(struct isup_cgroup *cg, enum np700_reject reason, uint8_t cause)
{
	if (reason < _NP700_REJ_NUM)
		cg->reject_cause[reason] = cause & 0x7f;
}

void isup_cgroup_free(struct isup_cgroup *cg)
{
	unsigned int i;

	/* calls keep pointers to their circuits: reset them first */
	for (i = 0; cg->circ && i <= (unsigned int)(cg->last - cg->first); i++) {
		if (cg->circ[i].call)
			isup_call_leg_reset(cg->circ[i].call, &cg->circ[i], 41, false);
	}
	llist_del(&cg->list);
	talloc_free(cg);
}

void isup_circuit_free_all(struct isup_relay *r)
{
	struct isup_cgroup *cg, *tmp;

	llist_for_each_entry_safe(cg, tmp, &r->cgroups, list)
		isup_cgroup_free(cg);
}

struct isup_circuit *isup_cgroup_circuit(struct isup_cgroup *cg, uint16_t cic)
{
	if (!cg->circ || cic < cg->first || cic > cg->last)
		return NULL;
	return &cg->circ[cic - cg->first];
}

struct isup_circuit *isup_circuit_find(struct isup_relay *r, uint32_t pc, uint16_t cic, struct isup_cgroup **out)
{
	struct isup_cgroup *cg;
	struct isup_circuit *c;

	llist_for_each_entry(cg, &r->cgroups, list) {
		if (cg->dpc != pc || !(c = isup_cgroup_circuit(cg, cic)))
			continue;
		if (out)
			*out = cg;
		return c;
	}
	return NULL;
}

bool isup_circuit_controls(uint32_t own_pc, uint32_t far_pc, uint16_t cic)
{
	/* Q.764 §2.10.1.4 method 2 as used by most networks: the exchange with the higher
	 * signalling point code controls the even-numbered circuits, the other one the odd */
	bool even = !(cic & 1);

	return own_pc > far_pc ? even : !even;
}

struct isup_circuit *isup_circuit_hunt(struct isup_cgroup *cg, uint32_t own_pc)
{
	unsigned int n, i, pass;

	if (!cg->circ)
		return NULL;
	n = cg->last - cg->first + 1;
	/* first the circuits we control (a collision there is won by us), then the others;
	 * round-robin so that the load spreads and a stuck circuit is not hit every time */
	for (pass = 0; pass < 2; pass++) {
		for (i = 1; i <= n; i++) {
			struct isup_circuit *c = &cg->circ[(cg->hunt + i) % n];

			if (c->state != ISUP_CIRC_IDLE || c->call || isup_circuit_blocked(c) || c->resetting)
				continue;
			if (pass == 0 && !isup_circuit_controls(own_pc, cg->dpc, c->cic))
				continue;
			cg->hunt = (cg->hunt + i) % n;
			return c;
		}
	}
	return NULL;
}
