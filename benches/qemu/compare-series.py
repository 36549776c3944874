#!/usr/bin/env python3
"""Compares two directories of `revertcheck check --format json` reports, one file per posted
series named `<branch>.json` (as benches/qemu/series-json.sh writes them), and prints every
patch whose structural or policy verdict changed, with the symbols and findings behind it.

Usage: benches/qemu/compare-series.py OLD_DIR NEW_DIR LIST
LIST holds the branch names, one per line.
"""
import json, sys, os
old, new = sys.argv[1], sys.argv[2]
branches = [l.strip() for l in open(sys.argv[3]) if l.strip()]
changed = total = 0
for b in branches:
    try:
        o = json.load(open(f'{old}/{b}.json')); n = json.load(open(f'{new}/{b}.json'))
    except Exception as e:
        print(b, 'ERR', e); continue
    for so, sn in zip(o['steps'], n['steps']):
        total += 1
        vo = (so['verdict']['structural'], so['verdict']['policy']); vn = (sn['verdict']['structural'], sn['verdict']['policy'])
        if vo != vn:
            changed += 1
            syms = [f"{s['name']}({s['change']})" for s in sn['symbols'] if s['change'] not in ('body','comment_only')][:4]
            cas = [f['message'][:120] for f in sn['verdict']['findings'] if f['code'] in ('cascading','new_parse_error')][:2]
            print(f"{b[:40]:40s} {so['label']:>10s} {so['subject'][:50]:50s} {vo[0]}/{vo[1]} -> {vn[0]}/{vn[1]} | {' '.join(syms)} | {' || '.join(cas)}")
print(f"{changed} of {total} patches changed")
