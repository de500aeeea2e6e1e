#!/usr/bin/env python3
"""Derives fhir's Synthea test expectations independently of the Go decoder.

Run from the module root:  python3 fhir/testdata/synthea-expectations.py ../shared/testdata/synthea
It reads each bundle with Python's json module, computes the figures below
with its own small rules, cross-checks them against the per-file table of
the bundles' README (eGFR, HbA1c, BP, active medication names), and writes
fhir/testdata/synthea-expectations.json. The bundles themselves are never
copied into this repository.

Rules (stated here, not taken from the decoder):
- counts: resources per resourceType, all entries.
- as_of: the latest of Condition onsetDateTime/abatementDateTime,
  MedicationRequest authoredOn, AllergyIntolerance recordedDate,
  Observation effectiveDateTime, Encounter period.start, Procedure
  performedDateTime/performedPeriod.start, Immunization occurrenceDateTime.
- active_medications: RxNorm codes of MedicationRequests with status active.
- active_conditions: SNOMED codes of Conditions whose clinicalStatus is active.
- latest HbA1c (LOINC 4548-4), eGFR (33914-3): valueQuantity.value of the
  Observation with the latest effectiveDateTime.
- latest BP: components 8480-6 and 8462-4 of the latest 55284-4 panel.
"""
import json, os, re, sys
from datetime import datetime

def when(s):
    return datetime.fromisoformat(s.replace('Z', '+00:00'))

def main(folder):
    readme = open(os.path.join(folder, 'README.md')).read()
    rows = {}
    for line in readme.splitlines():
        m = re.match(r'\| `([^`]+\.json)` \|(.*)', line)
        if m:
            cells = [c.strip() for c in m.group(2).split('|')]
            rows[m.group(1)] = cells  # bytes, born/sex, conditions, meds, egfr, hba1c, bp, blob
    out = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith('.json'):
            continue
        b = json.load(open(os.path.join(folder, name)))
        counts, dates = {}, []
        meds, conds, med_names = set(), set(), set()
        latest = {}
        birth = None
        for e in b['entry']:
            r = e['resource']
            t = r['resourceType']
            counts[t] = counts.get(t, 0) + 1
            if t == 'Patient':
                birth = r['birthDate']
            elif t == 'Condition':
                for k in ('onsetDateTime', 'abatementDateTime'):
                    if k in r: dates.append(when(r[k]))
                if r.get('clinicalStatus', {}).get('coding', [{}])[0].get('code') == 'active':
                    conds.add(r['code']['coding'][0]['code'])
            elif t == 'MedicationRequest':
                dates.append(when(r['authoredOn']))
                if r['status'] == 'active':
                    meds.add(r['medicationCodeableConcept']['coding'][0]['code'])
                    med_names.add(r['medicationCodeableConcept']['coding'][0]['display'])
            elif t == 'AllergyIntolerance':
                dates.append(when(r['recordedDate']))
            elif t == 'Encounter':
                dates.append(when(r['period']['start']))
            elif t == 'Procedure':
                s = r.get('performedDateTime') or r['performedPeriod']['start']
                dates.append(when(s))
            elif t == 'Immunization':
                dates.append(when(r['occurrenceDateTime']))
            elif t == 'Observation':
                at = when(r['effectiveDateTime'])
                dates.append(at)
                code = r['code']['coding'][0]['code']
                if code in ('4548-4', '33914-3', '55284-4'):
                    if code not in latest or at > latest[code][0]:
                        latest[code] = (at, r)
        exp = {'counts': counts, 'birth_date': birth,
               'as_of': max(dates).isoformat(),
               'active_medications': sorted(meds, key=int),
               'active_conditions': sorted(conds, key=int)}
        if '4548-4' in latest:
            exp['hba1c'] = latest['4548-4'][1]['valueQuantity']['value']
        if '33914-3' in latest:
            exp['egfr'] = latest['33914-3'][1]['valueQuantity']['value']
        if '55284-4' in latest:
            comps = {c['code']['coding'][0]['code']: c['valueQuantity']['value'] for c in latest['55284-4'][1]['component']}
            exp['bp'] = [comps['8480-6'], comps['8462-4']]
        # Cross-check against the README's independently written table.
        row = rows[name]
        def check(cell, value, fmt):
            if cell == '-':
                assert value is None, (name, cell, value)
            else:
                assert cell.split(' ')[0] == fmt(value), (name, cell, value)
        check(row[4], exp.get('egfr'), lambda v: '%.1f' % v)
        check(row[5], exp.get('hba1c'), lambda v: '%.1f' % v)
        check(row[6], exp.get('bp'), lambda v: '%d/%d' % (round(v[0]), round(v[1])))
        assert row[1].split(' ')[0] == birth, (name, row[1], birth)
        # The README lists active medication names, sorted, the cell cut at
        # about 160 characters: every name it shows starts an active one.
        for shown in row[3].split('; '):
            assert any(n.startswith(shown) for n in med_names), (name, shown)
        out[name] = exp
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'synthea-expectations.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write('\n')
    print('wrote', path, len(out), 'bundles')

if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '../shared/testdata/synthea')
