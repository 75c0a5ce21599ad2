# The body of the benchmark's interpreter wrapper (bench_fleet.py puts its own Python's #! above it):
# runs the module exactly as Python would, then appends the child's peak RSS (KiB) to $KUBEDEBUG_BENCH_RSS_OUT.
import os
import resource
import subprocess
import sys

code = subprocess.call([sys.executable, *sys.argv[1:]])
with open(os.environ["KUBEDEBUG_BENCH_RSS_OUT"], "a", encoding="utf-8") as out:
    out.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
