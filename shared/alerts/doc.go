// Package alerts reads alert files of several detection tools as a stream
// and turns each alert into one normalised Alert record (time, tool,
// signature or rule, severity, source, destination, reporting host, and the
// ATT&CK technique and tactic where the tool gives them).
//
// It decides the form of the input from its content, never from a file name:
//   - containers: gzip (magic bytes), zip ("PK"), tar (ustar magic), nested
//     up to a few levels; every member is read as an alert file of its own,
//     and a member that is none (a README) is counted in Stats.SkippedFiles;
//   - JSON, as lines or one array (first non-space byte '{' or '['): each
//     record is a Suricata EVE event (it has event_type), a Splunk export
//     wrapper of one ({"result":{"_raw":...}}, as in the CPTC-2017 data), or a
//     Wazuh alert as the manager writes alerts.json (it has a rule object);
//     EVE events other than alerts are skipped and counted;
//   - CSV with a header naming at least the time and name columns, as the AIT
//     alert data set writes it (time,name,ip,host,short,...): time in Unix
//     seconds or RFC 3339, the detector prefix of the name ("Wazuh: ",
//     "Suricata: Alert - ", "AMiner: ") becomes Alert.Tool.
//
// The reader looks at a fixed set of CSV columns only. The AIT data set's
// label columns (time_label, event_label) are not among them, so no label
// can reach package detect through an Alert: only a scorer that reads the
// file itself can see them.
//
// ReadPath reads a file or every file of a folder the same way.
//
// Error policy, so that the caller can decide what to do:
//   - A single input that is no alert file of a known form is rejected with
//     an error wrapping ErrUnknownFormat (ErrNotEVE is the same value);
//   - the first record of a JSON file being malformed is an error too (the
//     file is not trusted to be JSON at all); it names the record and line;
//   - a malformed record later in an otherwise good file (bad JSON, an EVE
//     alert without addresses, a row without a time) is counted in
//     Stats.Malformed, a few are described in Stats.MalformedSamples, and
//     reading goes on;
//   - input with no alerts at all gives an error wrapping ErrNoAlerts;
//   - read errors (a truncated gzip stream, for example) stop the reading.
//
// Memory stays bounded: JSON records are split off a buffered reader one at
// a time (a single record may not exceed MaxRecordBytes); a zip, which must
// be read from its end, is spooled to a temporary file first.
//
// A Splunk export record is not parsed whole: a skimmer checks its syntax
// as fastjson would (in a JSON array, while the splitter looks for the
// record's end; as JSON lines, only records whose first key is one Splunk
// writes first), unescapes result._raw and only that is parsed. A record
// the skimmer is not sure of (escaped keys in the wrapper, a top-level
// event_type, an invalid escape or lone surrogate in _raw, nesting deeper
// than 64, fastjson's nan/inf) is parsed whole as before, with the same
// result, at about half the speed.
//
// It does not decide anything about the alerts (who attacks whom, which
// stage, which are false positives): that is package detect. Known
// shortcomings: app-layer hostnames are taken from EVE's dns, http and tls
// only; a JSON array nested inside the top array is one malformed record
// rather than flattened; a CSV row is not bounded by MaxRecordBytes; Wazuh's
// full_log is not kept; the raw AIT JSON alerts (with addresses) are not in
// the CSV, so AIT alerts name only the reporting host.
package alerts
