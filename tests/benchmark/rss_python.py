# The body of the benchmark's interpreter wrapper (bench_fleet.py puts its own Python's #! above it):
# runs the module exactly as Python would, then appends the child's peak RSS (KiB), when the child
# started (epoch seconds) and its CPU seconds (user + system) to $KUBEDEBUG_BENCH_RSS_OUT.
import os
import resource
import subprocess
import sys
import time

started = time.time()
code = subprocess.call([sys.executable, *sys.argv[1:]])
with open(os.environ["KUBEDEBUG_BENCH_RSS_OUT"], "a", encoding="utf-8") as out:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    out.write("%d %.3f %.2f\n" % (usage.ru_maxrss, started, usage.ru_utime + usage.ru_stime))
sys.exit(code)
