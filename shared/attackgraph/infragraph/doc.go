// Package infragraph compiles the infrastructure model of the knowledge store (infra.Model)
// into a coreLang 1.0 attack graph, and answers the three questions SOCCRATES asks of it:
// what is at risk next from a compromised host (Onward, UC1), how fast the critical assets
// fall from the entry zones (Towards, UC3–5), and the same for one adversary's ATT&CK
// techniques (Adversary, UC2).
//
// Mapping (infrastructure -> coreLang asset, association):
//   - zone -> Network "zone:<name>" (hosts outside every zone are in "zone:");
//   - host -> Application "host:<key>", its operating system, exposed in its zone
//     (NetworkExposure: networks/applications);
//   - open service -> Application "service:<key>|<port>/<proto>", executed by the host's
//     Application (AppExecution: hostApp/appExecutedApps) and exposed in the zone. Inside a
//     zone everything is reachable, as infra.Policy says;
//   - policy: for each (source zone, destination zone, port) that infra.Policy.Allows and a
//     service listens on, one ConnectionRule "rule:<from>-><to>:<port>/<proto>", outgoing
//     from the source Network (OutNetworkConnection) and incoming to those services
//     (InApplicationConnection). Its restricted defence is the firewall filtering the rule;
//   - finding -> SoftwareVulnerability of the service on its port (the host's Application
//     when the port is 0 or no service is there). The CVSS v3 metrics switch on coreLang's
//     matching requirement defences: AV:N and AV:A networkAccessRequired, AV:L
//     localAccessRequired, AV:P physicalAccessRequired, PR:L/H low/highPrivilegesRequired,
//     UI:R userInteractionRequired, AC:H highComplexityExploitRequired, and C/I/A:N the
//     impact limitations. The exploit's TTC (exploitTrivially) is exponential with a mean of
//     3.887 days divided by the CVSS exploitability 8.22 × AV × AC × PR × UI, so the easiest
//     exploit takes a day on average and the hardest about a month (ExploitTTC); with AC:H
//     coreLang's exploitWithEffort (100 days on average) applies instead;
//   - a host with a criticality -> Data "data:<key>", held by the host's Application and
//     its services (AppContainment), so that a service's compromise reads it.
//
// Targets are each host's full access, its services' full access and its data's read. In
// Onward mode every other host is a target; otherwise the critical ones (criticality at or
// above Config.Critical in any of C, I, A, or role database_server or domain_controller)
// and the observable's host. The entry point is the compromised host's full access
// (Onward) or the entry zones' accessUninspected (default zone "internet"). With more
// targets than Config.MaxTargets, a first run without paths picks the fastest and a second
// gives their paths; both see the same random numbers.
//
// Analyze answers once, in the report the analyzer shows. NewScenario compiles once and
// keeps the entry points and targets, so that the course-of-action generator can call
// Scenario.Run with one defence set after another (Compiled.Defences lists them: a rule's
// restricted is a firewall filter, a vulnerability's notPresent a patch) and compare the
// results, which share their random numbers.
//
// Adversary mode forbids the attack steps of the Techniques table none of whose
// techniques the adversary has; the table (coreLang step -> ATT&CK technique, the project's
// reading of coreLang, which has no ATT&CK tags) covers exploits, bypasses, credential use
// and theft, sniffing and adversary-in-the-middle; structural and impact steps stay open.
//
// What it does not decide: the model (package infra and the knowledge store), the
// simulation (package attackgraph), the business impact of a compromise.
//
// Known shortcomings: the infrastructure model has no credentials, identities, users or
// software products, so coreLang's credential, phishing and supply-chain paths do not
// appear; lateral movement goes through vulnerabilities only, and a host without findings
// is a dead end. A finding without a CVSS v3 vector is taken at its worst (remote, easy, no
// privileges) and listed in the report's notes. A service compromise gives local connect to
// its host, not the host's full access: that takes a local privilege escalation finding,
// as in coreLang. Policy rules are per zone, not per host.
package infragraph
