#!/usr/bin/env python3
"""Start-up of `flujo run <sample>` as a process against a hello-world .NET app (docs/benchmarks.md, issue 12 goal 4).

Both are timed in the same run, interleaved (the order flips each round), from process start to exit; the process CPU
time (user + system, all threads) is printed too, since it moves far less with the machine's load than wall time does.
The hello-world app is published the way the flujo tool's platform package is (framework-dependent, ReadyToRun, this
machine's runtime identifier, with an app host). flujo's run is checked: exit code 0 and "completed" on stdout.

Usage (from the repository root):
  bench/cli-start/measure.py [--flujo "<command>"] [--rounds N] [--sample samples/support-triage.yaml] [--side "label=<command>"]...
--flujo defaults to `flujo` (the installed tool on the PATH, README: beside the dotnet run command); e.g. --flujo "dotnet
src/Flujo.Cli/bin/Release/net10.0/flujo.dll" for the plain build. --side adds more commands to time (e.g. another build).
"""
import argparse, os, platform, resource, shlex, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--flujo", default="flujo")
parser.add_argument("--rounds", type=int, default=11)
parser.add_argument("--sample", default=os.path.join(here, "..", "..", "samples", "support-triage.yaml"))
parser.add_argument("--side", action="append", default=[])
args = parser.parse_args()

machine = {"x86_64": "x64", "AMD64": "x64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine()]
rid = {"linux": "linux", "darwin": "osx", "win32": "win"}[sys.platform] + "-" + machine
hello_dir = tempfile.mkdtemp(prefix="flujo-hello-")
subprocess.run(["dotnet", "publish", os.path.join(here, "Hello"), "-c", "Release", "-r", rid, "--self-contained", "false",
                "-p:PublishReadyToRun=true", "-o", hello_dir, "-nologo", "-v", "q"], check=True, stdout=subprocess.DEVNULL)
hello = os.path.join(hello_dir, "Hello.exe" if sys.platform == "win32" else "Hello")

sides = [("hello-world", [hello], "hello"), ("flujo run", shlex.split(args.flujo) + ["run", args.sample], "completed")]
for side in args.side:
    label, command = side.split("=", 1)
    sides.append((label, shlex.split(command) + ["run", args.sample], "completed"))

def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime

def timed(command, expect):
    cpu = children_cpu()
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.monotonic() - start
    if done.returncode != 0 or expect not in done.stdout:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return wall, children_cpu() - cpu

def load(): return " ".join(f"{x:.2f}" for x in os.getloadavg())

print(f"load average before: {load()} ({os.cpu_count()} cores)", flush=True)
for _, command, expect in sides: timed(command, expect)  # warm the file cache
walls = {label: [] for label, _, _ in sides}
cpus = {label: [] for label, _, _ in sides}
for i in range(args.rounds):
    for label, command, expect in (sides if i % 2 == 0 else list(reversed(sides))):
        wall, cpu = timed(command, expect)
        walls[label].append(wall)
        cpus[label].append(cpu)
print(f"load average after:  {load()}")
for label, _, _ in sides:
    print(f"{label:12} median {statistics.median(walls[label]):.3f} s ({min(walls[label]):.3f}-{max(walls[label]):.3f}), CPU {statistics.median(cpus[label]):.3f} s")
hello_wall = statistics.median(walls["hello-world"])
for label, _, _ in sides[1:]:
    wall = statistics.median(walls[label])
    print(f"{label}: {wall:.3f} s = {wall / hello_wall:.1f}x the hello-world app ({hello_wall:.3f} s); goal <= 0.8 s: {'met' if wall <= 0.8 else 'missed'}")
