// Package alerts reads Suricata EVE alert files as a stream and turns each
// alert into one normalised Alert record.
//
// It decides the form of the input from its content, never from a file name:
// gzip (by its magic bytes) of either form, a JSON array of EVE objects (first
// non-space byte '['), or JSON lines with one EVE object per line (first
// non-space byte '{'). Each record may also be a Splunk search-export wrapper
// {"preview":..,"result":{"_raw":"<EVE JSON line>",..}}, as in the CPTC-2017
// data; the EVE event is then parsed from result._raw. Events whose
// event_type is not "alert" are skipped and counted.
//
// Error policy, so that the caller can decide what to do:
//   - Input that does not start like JSON, or whose first record is not an EVE
//     event, is rejected with an error wrapping ErrNotEVE.
//   - The first record being malformed JSON is an error too (the file is not
//     trusted to be JSON at all); it names the record and line.
//   - A malformed record later in an otherwise good file (bad JSON, an alert
//     without addresses or a timestamp) is counted in Stats.Malformed, a few
//     are described in Stats.MalformedSamples, and reading goes on.
//   - A file with no alerts at all gives an error wrapping ErrNoAlerts.
//   - Read errors (a truncated gzip stream, for example) stop the reading.
//
// Memory stays bounded: records are split off a buffered reader one at a
// time; a single record may not exceed MaxRecordBytes.
//
// It does not decide anything about the alerts (who attacks whom, which stage):
// that is package detect. Known shortcomings: only Suricata EVE is read (Wazuh
// and other tools come later, into the same Alert type); app-layer hostnames
// are taken from dns, http and tls only; a JSON array nested inside the top
// array is treated as one malformed record rather than flattened.
package alerts
