"""The services of the fake account. Each takes parsed calls and returns data; none sees HTTP.

One shape for all: state (the resources held), errors (the service's answers), actions. `sts`,
`oos` and `kms` are single modules in that order; `ecs` and `ram` are packages with `state`,
`errors`, a `base` that owns the state, and one module of actions per resource.
"""
