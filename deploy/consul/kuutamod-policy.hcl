# Consul ACL policy for the kuutamod daemon: the least it needs to take part in the election.
# Create it once (see docs/deploy.md), then a token holding it per validator machine:
#   consul acl policy create -name kuutamod -rules @deploy/consul/kuutamod-policy.hcl
#   consul acl token create -description "kuutamod on $(hostname)" -policy-name kuutamod
# The integration test test/integration/consul-acl.test.ts runs the daemon with exactly this file.

# The leader lock kuutamod-leader/<account-id>: acquire and release it (PUT ?acquire= / ?release=),
# and the blocking query with which a standby sees the lock freed at once (GET, needs read,
# included in write). To limit a token to one pool write `key "kuutamod-leader/<account-id>"`.
key_prefix "kuutamod-leader/" {
  policy = "write"
}

# The pool member record kuutamod-members/<account-id>/<node-id> (kuutamoctl list, eligibility):
# written held by the node's own member session, and the pool's records read back (GET ?recurse).
key_prefix "kuutamod-members/" {
  policy = "write"
}

# The pool's planned-switchover record kuutamod-handover/<account-id> (kuutamoctl switchover, restart
# on the validator): every daemon watches it (GET), creates it empty if missing, and writes its phases
# by check-and-set (PUT ?cas=).
key_prefix "kuutamod-handover/" {
  policy = "write"
}

# The pool's history of validator changes kuutamod-history/<account-id> (kuutamoctl history, /ui): read,
# and written by check-and-set (PUT ?cas=) by the node that gives the role up or takes it.
key_prefix "kuutamod-history/" {
  policy = "write"
}

# Create, renew and destroy the TTL sessions: the one that holds the lock and the `<node-id>-member` one
# that holds the member record. Consul checks session rules against the name of the agent node
# the session is created on (the agent at --consul-url), not the session's name; "" allows any node. To pin a token to one machine write
# `session "<consul node name>" { policy = "write" }` instead, plus `session_prefix "" { policy = "read" }`:
# the daemon reads the leader's session (its Name is the leader's node id) to plan a switchover and
# for the /ui pool table, and that session was created on another machine's agent.
session_prefix "" {
  policy = "write"
}
