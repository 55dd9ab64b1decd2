#!/usr/bin/env python3
"""Time to the first step of `flujo run --store azurite` (docs/benchmarks.md).

Runs the CLI as a child process and reports the seconds from its start to the first progress line of a step attempt
(the "▶" line on stderr) and to its exit, and the CPU time the command itself used (user + system, from wait4: on a
machine shared with other work it shows what the command costs when wall times do not). Case "running": the local store is started first and left running. Case
"start": the store is stopped first, so the command must start it. Usage:
  bench/first-step/measure.py <path to flujo.dll> [rounds]     (from any folder; the store's data go to ./.flujo/azurite)
"""
import os, subprocess, sys, time

dll = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
pipeline = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cached.yaml")

def flujo(*args):
    return subprocess.run(["dotnet", dll, *args], capture_output=True, text=True)

def timed_run(i):
    start = time.monotonic()
    p = subprocess.Popen(["dotnet", dll, "run", pipeline, "--store", "azurite", "--input", f"round {i} {time.time()}"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = None
    for line in p.stderr:
        if first is None and "▶" in line:
            first = time.monotonic() - start
    # wait4 for the command's own CPU time (user + system): what it costs the machine, whatever else runs beside it.
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    total = time.monotonic() - start
    if p.returncode != 0: raise SystemExit(f"flujo run exited {p.returncode}")
    return first, total, usage.ru_utime + usage.ru_stime

def load(): return os.getloadavg()[0]

for case in ("start", "running"):
    firsts, totals, cpus = [], [], []
    for i in range(rounds):
        if case == "start": flujo("store", "stop")
        else: flujo("store", "start")
        l = load()
        first, total, cpu = timed_run(i)
        firsts.append(first); totals.append(total); cpus.append(cpu)
        print(f"{case:8} round {i}: first step {first:.2f} s, exit {total:.2f} s, CPU of flujo {cpu:.2f} s (load {l:.2f})", flush=True)
    firsts.sort(); totals.sort(); cpus.sort()
    print(f"{case:8} median: first step {firsts[len(firsts)//2]:.2f} s, exit {totals[len(totals)//2]:.2f} s, CPU of flujo {cpus[len(cpus)//2]:.2f} s", flush=True)
flujo("store", "stop")
