// Package inframodel is the logic of the SOCCRATES_InfraModel analyzer: it turns a scanner report
// into a new version of the infrastructure in the knowledge store and reports what changed, and
// it looks a host up in the store as of a time, with its history.
//
// What it decides: which changes trigger which use case (UC3 new vulnerability: new findings,
// those of new hosts included; UC4 configuration change: new, closed and changed services; UC5
// new system: new hosts; removed hosts and fixed findings trigger none), how alarming a change is
// (a new finding with CVSS v3 score 9 or more is malicious, any other new finding, new host or new
// or changed service suspicious, nothing new safe; removed hosts, closed services and fixed
// findings are information), which observables the report proposes (the addresses of hosts with
// new findings, changed services or that are new), and how an unknown
// host or an unreadable scan is explained to the analyst.
//
// CVE identifiers are not proposed as observables: TheHive 4 has no CVE type, and one Nessus
// report easily names a hundred CVEs, which as "other" observables would flood the case. They are
// listed in the full report (uc3_new_vulnerability.cves) and named in the host artifact's message.
//
// It does not parse scans (package scan), compute changes or store anything (package knowledge),
// or say what a change means for attack paths (the attack graph does).
//
// Known shortcomings: the operator's zone and policy files are stored as valid from the job's
// time, so a look-up as of a time before they were first given shows hosts without zones or
// properties, and the zones of new hosts in an ingest report come from the job's own files only
// (none when the job names none, even if an earlier job stored some). A finding without a CVSS v3
// score is ranked by the scanner's severity word (critical counts as 9). Hosts identified only by
// a MAC address get no artifact, since TheHive has no type for one. The store_dsn item is
// redacted from error reports only in its URL form; a keyword DSN ("password=...") is echoed.
package inframodel
