"""Where the SDK calls go: the fake (in-process or a server), a live account, a recording. A
backend hands the scenario data (principals, endpoint, names, instance ids); it never calls back
into the world that holds it."""
