# Kubernetes environment of the cache policy (cache/default.vcl includes this file; its contract: backends
# probed with `api_ready`, `acl purgers`, and a round-robin director `api`). Mounted next to default.vcl in
# /etc/varnish/ (base/cache.yaml).

# One backend: the API's ClusterIP Service (base/api.yaml), resolved once when the VCL loads. The Service
# spreads connections over the ready API pods and drops a pod as soon as it starts shutting down, so the
# probe here means "some API pod is ready": when none is, Varnish serves stale objects from grace.
backend api_service {
    .host = "tilestack-api";
    .port = "80";
    .probe = api_ready;
    .connect_timeout = 1s;
    # Above the API's own BigQuery budget (BIGQUERY_TIMEOUT_MS, 10 s): the API answers 503/504 itself.
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 5s;
}

# May PURGE/BAN: localhost (kubectl exec / port-forward) and the cluster's internal addresses (pod and node
# ranges of the VPC-native clusters, inside 10.0.0.0/8; narrow to the exact ranges once infra publishes
# them). Public clients reach Varnish through the load balancer's proxies (130.211.0.0/22, 35.191.0.0/16),
# which are not listed, so no internet client can purge; and network-policy.yaml admits no other pod.
acl purgers {
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
}

sub vcl_init {
    new api = directors.round_robin();
    api.add_backend(api_service);
}
