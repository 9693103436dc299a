vcl 4.1;
# tilestack cache policy (cache/README.md); per environment: the included `environment.vcl`.

import std;
import directors;

# /readyz turns 503 as soon as an API process starts shutting down: no new requests before it closes.
probe api_ready {
    .url = "/readyz";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

# Must define backends (`.probe = api_ready`), `acl purgers`, and in vcl_init a round-robin director `api`.
include "environment.vcl";

sub vcl_recv {
    if (req.url == "/_cache/health") {
        return (synth(200, "OK"));
    }

    # One object per tile (PURGE too): only the parameters the API reads, no leading zeros in z/x/y.
    if (req.url ~ "^/maps/") {
        set req.url = regsuball(req.url, "(?<=[?&])(?!(?:v|geomField|format)=)[^&]*&?", "");
        set req.url = regsub(req.url, "^(/maps/tileset/[^/?]+)/0*(\d+)/0*(\d+)/0*(\d+)(?=\?|$)", "\1/\2/\3/\4");
    }
    set req.url = regsub(std.querysort(req.url), "[?&]$", "");

    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "invalidation is only accepted from internal networks"));
        }
        if (req.method == "PURGE") {
            return (purge);
        }
        # Bans test only obj.http.* so the ban lurker can evict in the background.
        if (req.http.X-Ban-Tileset !~ "^[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_-]{1,1024}$") {
            return (synth(400, "X-Ban-Tileset must be a project.dataset.table id"));
        }
        ban("obj.http.x-url ~ ^/maps/tileset/" + regsuball(req.http.X-Ban-Tileset, "([.-])", "\\\1") + "(/|\?|$)");
        return (synth(200, "banned"));
    }

    if (req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS") {
        return (synth(405, "only GET, HEAD and OPTIONS are served"));
    }

    set req.backend_hint = api.backend();
    # No client header may change a shared object: credentials and a forwarded host are in no key.
    unset req.http.Cookie;
    unset req.http.Authorization;
    unset req.http.X-Forwarded-Host;
    set req.http.X-Forwarded-Proto = regsub(req.http.X-Forwarded-Proto, "^.*,\s*", "");
    if (req.http.X-Forwarded-Proto !~ "^https?$") {
        unset req.http.X-Forwarded-Proto;
    }
    if (req.http.X-Request-Id !~ "^[A-Za-z0-9._:-]{1,128}$") {
        set req.http.X-Request-Id = "varnish-" + req.xid;
    }
    set req.http.x-cache = "PASS"; # until vcl_hit or vcl_miss says otherwise
    if (req.method == "OPTIONS") {
        return (pass);
    }

    # Healthy: stale for at most 10 min (stale-while-revalidate); sick: the object's whole grace.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10m;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    # Tiles and tables are the same whatever the host; TileJSON and `/` embed absolute URLs.
    if (req.url !~ "^/maps/(tileset/[^/?]+/[0-9]+/|table/)") {
        hash_data(req.http.host);
        hash_data(req.http.X-Forwarded-Proto);
    }
    return (lookup);
}

sub vcl_hit {
    set req.http.x-cache = "HIT";
    if (obj.ttl <= 0s) {
        set req.http.x-cache = "STALE";
    }
}

sub vcl_miss {
    set req.http.x-cache = "MISS";
}

sub vcl_backend_response {
    set beresp.http.x-url = bereq.url;

    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    if (beresp.status == 404) {
        set beresp.ttl = 60s;
        set beresp.grace = 0s;
        return (deliver);
    }
    # Our return (deliver) skips the built-in VCL, which would mark these uncacheable.
    if ((beresp.status != 200 && beresp.status != 204) || beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(^|[,\s])(no-store|no-cache|private)([,\s=]|$)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }

    # Varnish takes the TTL from Cache-Control itself; grace is the API's stale-if-error.
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1") + "s", 1d);
    }

    # One gzipped copy, gunzipped on delivery when needed; the API varies on nothing else.
    if (beresp.http.Content-Type ~ "json") {
        set beresp.do_gzip = true;
    }
    unset beresp.http.Vary;
    return (deliver);
}

sub vcl_backend_error {
    # Only connection failures get here (a 5xx answer is never retried): try another replica.
    if (bereq.retries < 2) {
        return (retry);
    }
    if (bereq.is_bgfetch) {
        return (abandon);
    }
    set beresp.http.Content-Type = "application/json";
    set beresp.http.Cache-Control = "no-store";
    set beresp.http.Retry-After = "5";
    set beresp.body = """{"error":"unavailable","message":"the tile API is unavailable and this response is not cached; retry shortly"}""";
    return (deliver);
}

sub vcl_deliver {
    set resp.http.X-Cache = req.http.x-cache;
    if (resp.http.Content-Type ~ "vnd.mapbox-vector-tile|json") {
        set resp.http.Vary = "Accept-Encoding";
    }
    set resp.http.X-Request-Id = req.http.X-Request-Id;
    unset resp.http.x-url;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
    unset resp.http.Server;
}

sub vcl_synth {
    set resp.http.Content-Type = "application/json";
    set resp.http.Cache-Control = "no-store";
    set resp.http.X-Cache = "SYNTH";
    unset resp.http.Server;
    unset resp.http.X-Varnish;
    unset resp.http.Via;
    if (resp.status == 200) {
        set resp.body = {"{"status":""} + resp.reason + """"}""";
    } else {
        set req.http.x-error = "bad_request";
        if (resp.status == 403) {
            set req.http.x-error = "forbidden";
        } elsif (resp.status == 405) {
            set req.http.x-error = "method_not_allowed";
            set resp.http.Allow = "GET, HEAD, OPTIONS";
        }
        set resp.body = {"{"error":""} + req.http.x-error + {"","message":""} + resp.reason + """"}""";
    }
    return (deliver);
}
