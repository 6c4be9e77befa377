# Consul ACL policy for kuutamoctl's read commands (active-validator, list, history): it can see who holds the
# leader lock and read that session, and can change nothing. Give it to operators and monitoring:
#   consul acl policy create -name kuutamoctl-read -rules @deploy/consul/kuutamoctl-read-policy.hcl
#   consul acl token create -description "kuutamoctl read" -policy-name kuutamoctl-read

# Read the leader key kuutamod-leader/<account-id> (its Session field names the holder).
key_prefix "kuutamod-leader/" {
  policy = "read"
}

# Read the pool's member records kuutamod-members/<account-id>/ (kuutamoctl list).
key_prefix "kuutamod-members/" {
  policy = "read"
}

# Read the pool's history of validator changes kuutamod-history/<account-id> (kuutamoctl history).
key_prefix "kuutamod-history/" {
  policy = "read"
}

# Read the holder's session (GET /v1/session/info/<id>): its Name is the node id kuutamoctl prints.
session_prefix "" {
  policy = "read"
}
