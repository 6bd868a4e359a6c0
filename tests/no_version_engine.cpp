// An engine library from before versioned engines: no resnext_engine_api_version.
extern "C" __attribute__((visibility("default"))) void *resnext_engine_create() { return nullptr; }
