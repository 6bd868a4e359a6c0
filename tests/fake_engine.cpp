// A library that looks like libresnext_engine.so but reports another API
// version: the loader must refuse it by name instead of calling into it.
extern "C" __attribute__((visibility("default"))) int resnext_engine_api_version() { return 999; }
extern "C" __attribute__((visibility("default"))) void *resnext_engine_create() { return nullptr; }
