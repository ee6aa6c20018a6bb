#!/usr/bin/env python3
"""Writes a Promela model of one of svcsim's synthetic chains, for the SPIN peer benchmark.

    build/release/bench/svcsim_synthetic_chain 16 | python3 bench/spin/synthetic_chain_pml.py - > chain.pml

Input: the scenario file `svcsim_synthetic_chain N` writes (simulator/src/synthetic_chain.cpp).
The packages, revisions, baselines, bundled SSUs, ssu_min, the target's start and the plan are
read from that file, so the Promela chain cannot drift from svcsim's; the file's narrow subset of
YAML (one flow mapping a line) is all this reads, and anything outside what the model below
encodes is refused with one line and exit 2. Python and the standard library only: the output is
text, and a script needs no build step in the benchmark's shell script.

What the Promela model encodes (model/src/apply.cpp, plan.cpp; simulator/src/explorer.cpp):
- one online target (ubr and ssu_version from the file; base UBR = the file's ubr), knobs at
  their defaults, no faults, no device properties, no `before`, no /PreventPending;
- a nondeterministic choice of the next plan step not yet done, as one d_step (one transition,
  no stored intermediate state), so SPIN explores every one of the n! orders;
- an add and the reboot `after_3010` inserts after it, as one transition, as svcsim's explorer
  advances a node (explorer.cpp `expand`: the operation and its inserted reboot);
- §4.1's checks that these kinds meet, in apply.cpp's order: check 4 (a CU at or below the UBR
  is not applicable; an older checkpoint CU installs and ends superseded, knob
  `older_checkpoint: applicable`; an SSU at or below ssu_version is not applicable), check 6 (a
  bundled SSU raises ssu_version even when a later check fails), check 7 (ssu_min), check 8
  (baseline above the UBR); then the install: an SSU commits at once as permanent, every other
  kind here is restart-required, goes pending, says 3010 and is committed by the inserted reboot;
  a committed CU becomes the UBR and supersedes the older installed CU records;
- `on_error: continue` and the run's first error (its code), which is part of svcsim's node key.

What it leaves out, and why that is safe for this chain: faults; every knob but the defaults;
Method 1, removes, cleanup, offline images; check 3 (each step runs once, so no record is
already there), check 4a (a reboot is never pending at an add: it follows every 3010 at once),
check 5, 9, 10, 10a; the uninstall half of settling the CU chain; the reboot bound
(reboot_count_max is the step count here, which `reboot_bound` shows cannot bind, so svcsim does
not count reboots either); the origin plane, build, flags (all constant between steps). The
end-of-run reboot is svcsim's `at_end` policy only (policy.cpp `final_reboot_needed`); under
`after_3010` nothing is pending when the last step is done, so svcsim runs no final reboot and
neither does this model.

State counts. svcsim stores one node per (steps done, target state, first error) in each layer,
the last layer (every step done) included. The Promela state holds the same data: the done
mask, a 2-bit record per package (absent, installed, permanent, superseded), ubr, ssu_version
and the first error; so the two graphs are the same. SPIN stores every one of svcsim's states
plus two per end state (its control locations after the loop and at the end of the process), and
its "transitions" (stored + matched) are svcsim's plus those two end moves per end state plus
one for the initial state. Measured: n = 6: 196 = 172 + 2 x 12; n = 8: 1,386 = 1,300 + 2 x 43;
n = 10: 7,800 = 7,592 + 2 x 104; n = 16: 918,084 = 916,992 + 2 x 546 (transitions 5,514,757 =
5,513,664 + 1,093). This needs `spin -a -o2`: by default SPIN leaves write-only variables out of
the state vector, and the SSU's record is one (nothing reads it; svcsim's state keeps it), so SPIN
would store fewer states (n = 6: 156 instead of 196) on a coarser graph.
"""

import re
import sys

ABSENT, INSTALLED, PERMANENT, SUPERSEDED = 0, 1, 2, 3
# First errors, 0 = none yet (svcsim keys the code; only their distinctness matters here).
ERRORS = {
    "E_NOT_APPLICABLE": (1, "CBS_E_NOT_APPLICABLE 0x800F081E"),
    "E_SSU_REQUIRED": (2, "CBS_E_NEW_SERVICING_STACK_REQUIRED 0x800F0823"),
    "E_BASELINE": (3, "CBS_E_MISSING_PREREQUISITE_BASELINE 0x800F0838"),
}
KINDS = ("ssu", "checkpoint_cu", "cu", "dotnet_cu")
PACKAGE_KEYS = {"id", "kind", "revision", "baseline", "bundled_ssu", "ssu_min"}
REVISION_MAX = 65535  # ubr is a 16-bit field


def refuse(message):
    print(f"synthetic_chain_pml: {message}", file=sys.stderr)
    sys.exit(2)


def flow_mapping(text):
    """`{a: 1, b: x}` -> {"a": "1", "b": "x"}; only the flat form svcsim's generator writes."""
    match = re.fullmatch(r"\{(.*)\}", text.strip())
    if not match:
        refuse(f"expected a flow mapping, got {text.strip()!r}")
    fields = {}
    for item in match.group(1).split(","):
        key, sep, value = item.partition(":")
        if not sep:
            refuse(f"expected key: value, got {item.strip()!r}")
        fields[key.strip()] = value.strip()
    return fields


def read_scenario(text):
    packages, target, plan, section = [], None, {}, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            key, _, value = line.partition(":")
            section = key.strip()
            if section not in ("name", "source", "packages", "targets", "plan"):
                refuse(f"the model does not encode the scenario's {section!r} block")
            continue
        if section == "packages":
            if not line.startswith("  - "):
                refuse(f"unexpected package line {line.strip()!r}")
            packages.append(flow_mapping(line[4:]))
        elif section == "targets":
            if target is not None:
                refuse("the model encodes one target")
            target = flow_mapping(line.strip()[2:])
        elif section == "plan":
            key, _, value = line.strip().partition(":")
            plan[key.strip()] = value.strip()
        else:
            refuse(f"unexpected line in {section!r}: {line.strip()!r}")
    if not packages or target is None or not plan:
        refuse("not a synthetic chain: packages, one target and a plan are required")
    return packages, target, plan


def check_supported(packages, target, plan):
    if target.get("kind") != "online" or set(target) - {"name", "kind", "build", "ubr", "ssu_version"}:
        refuse(f"the model encodes one online target with build, ubr and ssu_version only: {target}")
    if set(plan) != {"target", "steps", "reboot", "reboot_count_max", "on_error"}:
        refuse(f"plan keys {sorted(plan)}: the model encodes target, steps, reboot, "
               "reboot_count_max and on_error only")
    if plan["reboot"] != "after_3010" or plan["on_error"] != "continue":
        refuse("the model encodes reboot: after_3010 and on_error: continue only")
    steps = [step.strip() for step in plan["steps"].strip("[]").split(",")]
    ids = [package["id"] for package in packages]
    if steps != ids:
        refuse("the model encodes one add step per package, in catalog order")
    # plan.cpp reboot_bound: under after_3010 a run reboots at most once per step.
    if int(plan["reboot_count_max"]) < len(steps):
        refuse("reboot_count_max is below the step count: the reboot bound could bind")
    if len(packages) > 31:
        refuse("at most 31 packages (the done mask is one Promela unsigned field)")
    for package in packages:
        if set(package) - PACKAGE_KEYS or package.get("kind") not in KINDS:
            refuse(f"package {package}: the model encodes kinds {KINDS} with keys {sorted(PACKAGE_KEYS)}")
        for key in ("revision", "baseline", "bundled_ssu", "ssu_min"):
            value = int(package.get(key, "0"))
            if not 0 <= value <= REVISION_MAX:
                refuse(f"package {package['id']}: {key} {value} does not fit 16 bits")
            package[key] = value
        if package["kind"] in ("ssu", "dotnet_cu") and (
                package["baseline"] or package["bundled_ssu"] or package["ssu_min"]):
            refuse(f"package {package['id']}: baseline, bundled_ssu and ssu_min are encoded for CUs only")
        if package["kind"] == "ssu" and package["revision"] == 0:
            refuse(f"package {package['id']}: an ssu needs a revision")
        # An older checkpoint goes on through checks 6-8 (apply.cpp); the model lets it install
        # at once, which holds while it has no bundled SSU or ssu_min and an older baseline.
        if package["kind"] == "checkpoint_cu" and (
                package["bundled_ssu"] or package["ssu_min"] or package["baseline"] >= package["revision"]):
            refuse(f"package {package['id']}: a checkpoint_cu is encoded without bundled_ssu or ssu_min "
                   "and with a baseline below its revision")


def first_error(code):
    return f"if :: first_error == 0 -> first_error = {code} :: else -> skip fi"


def nested(condition, then, otherwise):
    """`if :: condition -> then :: else -> otherwise fi`, `otherwise` indented under its arm."""
    return [f"if :: {condition} -> {then}", "   :: else ->"] + ["      " + line for line in otherwise] + ["fi"]


def step_body(index, package, packages):
    """The d_step body of plan step `index` (after its guard): the add and its inserted reboot."""
    kind, revision = package["kind"], package["revision"]
    record = f"r{index}"
    if kind == "ssu":
        # Check 4 (SSU): not newer than the stack -> not applicable; else committed at once.
        return nested(f"{revision} <= ssu", first_error("E_NOT_APPLICABLE"),
                      [f"{record} = PERMANENT; ssu = {revision}"])
    if kind == "dotnet_cu":
        # No check applies; restart required: pending, 3010, committed by the inserted reboot.
        return [f"{record} = INSTALLED"]
    # Check 11 and the inserted reboot: the CU is the UBR now; the chain supersedes the others.
    body = [f"{record} = INSTALLED; ubr = {revision}"]
    for other, candidate in enumerate(packages):
        if other != index and candidate["kind"] in ("cu", "checkpoint_cu"):
            body[-1] += ";"
            body.append(f"if :: r{other} == INSTALLED -> r{other} = SUPERSEDED :: else -> skip fi")
    # Checks 8 and 7, innermost first; then check 6, which raises the stack whatever follows.
    if package["baseline"]:
        body = nested(f"ubr < {package['baseline']}", first_error("E_BASELINE"), body)
    if package["ssu_min"]:
        body = nested(f"ssu < {package['ssu_min']}", first_error("E_SSU_REQUIRED"), body)
    if package["bundled_ssu"]:
        bundled = package["bundled_ssu"]
        body = [f"if :: ssu < {bundled} -> ssu = {bundled} :: else -> skip fi;"] + body
    # Check 4. Knob older_checkpoint: applicable: an older checkpoint installs with no UBR change
    # and the chain settles it superseded at its reboot (check_supported makes sure no check
    # 6-8 stops it).
    if kind == "checkpoint_cu":
        return nested(f"{revision} <= ubr", f"{record} = SUPERSEDED", body)
    return nested(f"{revision} <= ubr", first_error("E_NOT_APPLICABLE"), body)


def promela(packages, target):
    count = len(packages)
    out = [
        f"/* svcsim synthetic chain of {count} packages as Promela, written by",
        "   bench/spin/synthetic_chain_pml.py (its docstring says what this encodes and leaves out). */",
        f"#define ABSENT {ABSENT}",
        f"#define INSTALLED {INSTALLED}",
        f"#define PERMANENT {PERMANENT}",
        f"#define SUPERSEDED {SUPERSEDED}",
    ]
    out += [f"#define {name} {value} /* {text} */" for name, (value, text) in ERRORS.items()]
    out += [
        f"#define ALL_DONE {(1 << count) - 1}",
        "",
        f"unsigned done : {count};  /* bit i: plan step i has run */",
    ]
    for index, package in enumerate(packages):
        out.append(f"unsigned r{index} : 2;  /* {package['id']} {package['kind']} {package['revision'] or ''} */")
    out += [
        f"unsigned ubr : 16 = {int(target['ubr'])};",
        f"unsigned ssu : 16 = {int(target['ssu_version'])};",
        "unsigned first_error : 2;",
        "",
        "active proctype chain() {",
        "  do",
    ]
    for index, package in enumerate(packages):
        bit = 1 << index
        out.append(f"  :: d_step {{ (done & {bit}) == 0; done = done | {bit};  /* add {package['id']} */")
        out += [f"       {line}" for line in step_body(index, package, packages)]
        out.append("     }")
    out += [
        "  :: done == ALL_DONE -> break  /* after_3010: nothing pending, so no final reboot */",
        "  od",
        "}",
    ]
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 2:
        print("usage: synthetic_chain_pml.py SCENARIO.yaml|-   (a file svcsim_synthetic_chain wrote)",
              file=sys.stderr)
        return 2
    try:
        text = sys.stdin.read() if argv[1] == "-" else open(argv[1], encoding="utf-8").read()
    except OSError as error:
        refuse(f"cannot read {argv[1]}: {error.strerror}")
    packages, target, plan = read_scenario(text)
    check_supported(packages, target, plan)
    sys.stdout.write(promela(packages, target))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
