-- wrk script for `make bench`: at the end of a run, print its figures as one machine-readable line
-- (latencies in microseconds), read by scripts/bench_report.py. wrk itself only prints p50/75/90/99.
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d mean_us=%d p50_us=%d p90_us=%d p95_us=%d p99_us=%d max_us=%d"
      .. " errors_status=%d errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d\n",
    summary.requests, summary.duration, summary.bytes, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max,
    errors.status, errors.connect, errors.read, errors.write, errors.timeout
  ))
end
