"""The services of the fake account. Each takes parsed calls and returns data; none sees HTTP."""
