// Package knowledge is the SOCCRATES knowledge store: the K of the MAPE-K loop that every worker
// shares. It keeps versions of the infrastructure model, and has tables and reader interfaces for
// the business model and cyber threat intelligence (CTI).
//
// Storage is embedded SQLite (modernc.org/sqlite, pure Go) at a file path, or PostgreSQL through a
// connection string (pgx). Both get the same schema; migrations run on first use under a lock, so
// workers starting together do not race.
//
// What it decides: how an observation (a scan with its time and coverage, see
// [infra.Observation]) becomes a version, and what the model looked like at any time. Versions are
// ordered by the time the scan ran, not the time it arrived. The state of every slot (a host's
// up/down state, a port, a finding) at time T is what the latest observation at or before T that
// covered that slot said; a slot no observation covered keeps its older state. So a port-list scan
// says nothing about other ports, a scan of one subnet nothing about other hosts, and a late scan
// of an older time is placed in the history without overwriting what newer scans saw.
//
// Each kind of knowledge has one writer: the infrastructure ([Store.Ingest], [Store.SetInfraConfig],
// used by SOCCRATES_InfraModel), the business model ([Store.PutBusinessModel], used by
// SOCCRATES_BusinessImpact). CTI has its tables and [CTIReader]; its writer, for the threat-intel
// analyzer, is still to be built.
//
// Writes are transactions. On SQLite an ingest takes the write lock at its start (BEGIN
// IMMEDIATE) and waits up to the busy timeout for another writer; on PostgreSQL it takes a
// transaction-scoped advisory lock, so ingests serialise and each computes its change against a
// state no other writer is altering. A process killed in the middle leaves no partial version.
//
// Known shortcomings: the store keeps every observation in full and rebuilds states from them, so
// the cost of reading the whole model grows with the number of versions (a host look-up reads
// only that host's rows). SQLite runs with synchronous=NORMAL in WAL mode: a power loss may drop
// the last committed ingest, never corrupt the file. Host identity is [infra.HostKey]: a host that
// changes its address is a new host.
package knowledge
