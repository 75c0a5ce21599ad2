// Busy: the test bed's JRE-only Java application (image kubedebug.local/java-app:17).
//
// Three named worker threads (kubedebug-worker-1..3) do small amounts of CPU
// work and sleep, and the main thread prints a status line every few seconds,
// so a thread dump taken with jstack/jcmd from a debug container is easy to
// recognise. It is deliberately light on CPU.
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

public final class Busy {
    private static final int WORKERS = 3;
    private static final long PRINT_EVERY_MS = 3000;

    private static final class Worker implements Runnable {
        private final AtomicLong rounds = new AtomicLong();
        private volatile long lastResult;

        @Override
        public void run() {
            long seed = Thread.currentThread().getName().hashCode();
            while (true) {
                lastResult = crunch(seed + rounds.incrementAndGet());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        // A few milliseconds of real work: sum of primes below a bound.
        private static long crunch(long seed) {
            int bound = 20000 + (int) Math.floorMod(seed, 1000L);
            long sum = 0;
            outer:
            for (int n = 2; n < bound; n++) {
                for (int d = 2; (long) d * d <= n; d++) {
                    if (n % d == 0) {
                        continue outer;
                    }
                }
                sum += n;
            }
            return sum;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Worker[] workers = new Worker[WORKERS];
        for (int i = 0; i < WORKERS; i++) {
            workers[i] = new Worker();
            Thread t = new Thread(workers[i], "kubedebug-worker-" + (i + 1));
            t.start();
        }
        Thread.currentThread().setName("kubedebug-main");
        System.out.println("kubedebug java-app started: pid=" + ProcessHandle.current().pid()
                + " java=" + System.getProperty("java.version") + " user=" + System.getProperty("user.name"));
        System.out.flush();
        long tick = 0;
        while (true) {
            Thread.sleep(PRINT_EVERY_MS);
            tick++;
            StringBuilder line = new StringBuilder("kubedebug java-app tick=").append(tick)
                    .append(" time=").append(Instant.now());
            for (int i = 0; i < WORKERS; i++) {
                line.append(" worker-").append(i + 1).append('=').append(workers[i].rounds.get());
            }
            System.out.println(line);
            System.out.flush();
        }
    }
}
