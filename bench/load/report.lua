-- wrk script for bench/load/run.sh: leaves wrk's request path untouched (no request() or
-- response() hook, so wrk keeps its fast pre-built request) and, when the run is done, prints
-- one machine-readable line that run.sh collects. Latencies are in microseconds; errors.status
-- counts responses with a status >= 400 ("Non-2xx or 3xx responses" in wrk's own summary).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"bytes":%d,"duration_us":%d,"err_connect":%d,"err_read":%d,' ..
    '"err_write":%d,"err_status":%d,"err_timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"p999_us":%d,"max_us":%d,"mean_us":%.1f,"stdev_us":%.1f}\n',
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean, latency.stdev))
end
