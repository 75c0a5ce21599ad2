# The body of the benchmark's interpreter wrapper (bench_fleet.py puts its own Python's #! above it):
# runs the module exactly as Python would, then appends the child's peak RSS (KiB) and when the child
# started (epoch seconds) to $KUBEDEBUG_BENCH_RSS_OUT.
import os
import resource
import subprocess
import sys
import time

started = time.time()
code = subprocess.call([sys.executable, *sys.argv[1:]])
with open(os.environ["KUBEDEBUG_BENCH_RSS_OUT"], "a", encoding="utf-8") as out:
    out.write("%d %.3f\n" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, started))
sys.exit(code)
