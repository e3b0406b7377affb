// Runs one autocannon load in a child process of its own, so that the load generator never
// shares the event loop with the server it measures. The parent sends { url, connections,
// duration | amount, method, headers, paths, body }; in `body`, `{n9}` becomes the request number
// padded to 9 digits. Answers with the figures the report needs, then exits.
import autocannon from 'autocannon';

process.once('message', async (load) => {
  const { url, connections, duration, amount, method, headers, paths, body } = load;
  let n = 0;
  // autocannon takes an undefined option as given, over its default: pass only those set.
  const limits = amount ? { amount } : { duration };
  const result = await autocannon({
    url,
    connections,
    ...limits,
    requests: [
      {
        method,
        headers,
        setupRequest: (req) => {
          const i = n++;
          const out = { ...req };
          if (paths?.length) out.path = paths[i % paths.length];
          if (body) out.body = body.replaceAll('{n9}', String(i).padStart(9, '0'));
          return out;
        },
      },
    ],
  });
  process.send(
    {
      requests: result.requests.total,
      seconds: result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodes: result.statusCodeStats,
    },
    () => process.exit(0),
  );
});
