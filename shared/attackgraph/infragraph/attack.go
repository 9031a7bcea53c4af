package infragraph

import (
	"sort"
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
)

// Techniques maps coreLang 1.0 attack steps ("Asset.step") to the MITRE ATT&CK techniques
// that realise them. coreLang carries no ATT&CK tags; this table is the project's reading of
// each step's description. It lists the steps that take an attacker's skill or effort (an
// exploit, a bypass, use of credentials, sniffing); the structural steps between them
// (connect, attempt..., successful...) and the impact steps are left out, and stay open to
// every adversary.
var Techniques = map[string][]string{
	"SoftwareVulnerability.exploitTrivially":                              {"T1190", "T1210", "T1068", "T1203", "T1211", "T1212"},
	"SoftwareVulnerability.exploitWithEffort":                             {"T1190", "T1210", "T1068", "T1203", "T1211", "T1212"},
	"HardwareVulnerability.exploitTrivially":                              {"T1200"},
	"HardwareVulnerability.exploitWithEffort":                             {"T1200"},
	"Application.bypassContainerization":                                  {"T1611"},
	"Application.networkConnectFromResponse":                              {"T1189"},
	"Application.attackerUnsafeUserActivityCapabilityWithoutReverseReach": {"T1204"},
	"Application.attackerUnsafeUserActivityCapabilityWithReverseReach":    {"T1204"},
	"Application.bypassSupplyChainAuditing":                               {"T1195"},
	"Hardware.bypassSupplyChainAuditing":                                  {"T1195"},
	"Hardware.supplyChainAttack":                                          {"T1195"},
	"Hardware.bypassHardwareModificationsProtection":                      {"T1200"},
	"Hardware.spreadWormThroughRemovableMedia":                            {"T1091"},
	"IDPS.bypassEffectiveness":                                            {"T1562"},
	"IAMObject.successfulAssume":                                          {"T1078"},
	"Identity.successfulAssume":                                           {"T1078"},
	"Privileges.successfulAssume":                                         {"T1078"},
	"Group.successfulAssume":                                              {"T1078"},
	"Credentials.useLeakedCredentials":                                    {"T1078", "T1552", "T1589"},
	"Credentials.credentialsReuse":                                        {"T1078", "T1110"},
	"Credentials.credentialTheft":                                         {"T1056", "T1566", "T1598"},
	"Credentials.guessCredentials":                                        {"T1110"},
	"Network.successfulEavesdrop":                                         {"T1040"},
	"Network.bypassEavesdropDefense":                                      {"T1040"},
	"Network.successfulAdversaryInTheMiddle":                              {"T1557"},
	"Network.bypassAdversaryInTheMiddleDefense":                           {"T1557"},
	"Network.bypassAccessControl":                                         {"T1599"},
	"ConnectionRule.bypassRestricted":                                     {"T1599"},
	"ConnectionRule.bypassPayloadInspection":                              {"T1027", "T1001"},
	"User.successfulSocialEngineering":                                    {"T1566", "T1598"},
	"User.credentialTheft":                                                {"T1566", "T1598", "T1056"},
	"User.deliverMaliciousRemovableMedia":                                 {"T1091"},
	"User.unsafeUserActivity":                                             {"T1204"},
	"User.passwordReuseCompromise":                                        {"T1078", "T1110"},
}

// Forbidden returns the steps an adversary with the given techniques cannot take: those in
// Techniques none of whose techniques the adversary has. A sub-technique (T1078.002) counts
// as its parent technique.
func Forbidden(g *attackgraph.Graph, techniques []string) []attackgraph.StepID {
	has := map[string]bool{}
	for _, t := range techniques {
		t = strings.ToUpper(strings.TrimSpace(t))
		has[t] = true
		if parent, _, ok := strings.Cut(t, "."); ok {
			has[parent] = true
		}
	}
	var out []attackgraph.StepID
	for i := 0; i < g.Len(); i++ {
		s := g.Step(attackgraph.StepID(i))
		need, ok := Techniques[s.AssetType+"."+s.Name]
		if !ok {
			continue
		}
		allowed := false
		for _, t := range need {
			allowed = allowed || has[t]
		}
		if !allowed {
			out = append(out, attackgraph.StepID(i))
		}
	}
	return out
}

// TechniquesOf lists the techniques of a step, sorted; nil for steps the table leaves out.
func TechniquesOf(assetType, step string) []string {
	t := append([]string(nil), Techniques[assetType+"."+step]...)
	sort.Strings(t)
	return t
}
