// Package httpclient builds the one HTTP client every SOCCRATES worker uses to reach a remote API.
//
// [New] turns the job's [Settings] (Cortex proxy and CA configuration, timeouts, retry budget,
// logger, user agent) into a standard *http.Client. It decides:
//
//   - retries: with exponential backoff on connection errors, 429 and 5xx except 501; never on
//     other 4xx, never on a TLS verification failure. Retry-After on 429 and 503 is honoured,
//     capped at RetryWaitMax so a remote asking for an hour cannot stall the job. When the
//     retries are used up the last response is returned as it is, so the caller sees the status.
//   - deadlines: every request carries the caller's context; once its deadline passes the call
//     returns promptly with an error saying the remote did not answer in time, for which
//     errors.Is(err, context.DeadlineExceeded) holds.
//   - trust: the Cortex cacerts PEM is appended to the system roots, never replacing them, so a
//     TLS-intercepting proxy's CA works while public endpoints still verify.
//   - proxies: proxy_http is used for http:// requests and proxy_https for https:// requests,
//     loopback included; when neither is set, the usual environment variables apply, as they do
//     for cortexutils. Credentials in a proxy URL never appear in an error or a log line.
//   - logging: one debug line per attempt with method, host, status and attempt number; never
//     the path's query string nor any header, which can carry API keys.
//
// It does not decide what a status code means to the caller (a final 404 or 503 is a response,
// not an error), nor does it read or limit response bodies.
//
// Known shortcomings: errors returned by http.Client name the request URL, query string
// included, as net/http does; a worker that puts a key in the query string must pass errors
// through [Redact] before they reach a report. Request bodies are buffered in memory so they can
// be resent. Timeout bounds each attempt only up to the response headers (connect, TLS handshake,
// waiting for the answer); reading the body is bounded by the caller's context alone. NO_PROXY is
// not consulted when a proxy is set in the job configuration.
package httpclient
