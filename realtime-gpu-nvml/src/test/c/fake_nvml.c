/* A stand-in for libnvidia-ml.so with known values, so the JNA binding is exercised for real.
 * Device 0 reports everything; device 1 answers NOT_SUPPORTED (3) for power.
 * Compiled with -DFAIL_INIT=<status>, nvmlInit_v2 fails with that status. */
#include <string.h>

typedef struct { unsigned int gpu; unsigned int memory; } nvmlUtilization_t;
typedef struct { unsigned long long total; unsigned long long free; unsigned long long used; } nvmlMemory_t;
typedef struct { int index; } fake_device;

static fake_device devices[2] = {{0}, {1}};
static int initialised = 0;

int nvmlInit_v2(void) {
#ifdef FAIL_INIT
  return FAIL_INIT;
#endif
  initialised = 1;
  return 0;
}

int nvmlShutdown(void) { initialised = 0; return 0; }

int nvmlDeviceGetCount_v2(unsigned int *count) {
  if (!initialised) return 1; /* NVML_ERROR_UNINITIALIZED */
  *count = 2;
  return 0;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, fake_device **device) {
  if (index > 1) return 2; /* NVML_ERROR_INVALID_ARGUMENT */
  *device = &devices[index];
  return 0;
}

int nvmlDeviceGetName(fake_device *device, char *name, unsigned int length) {
  const char *value = device->index == 0 ? "NVIDIA RTX A5500" : "NVIDIA T4";
  if (strlen(value) + 1 > length) return 7; /* NVML_ERROR_INSUFFICIENT_SIZE */
  strcpy(name, value);
  return 0;
}

int nvmlDeviceGetUtilizationRates(fake_device *device, nvmlUtilization_t *utilization) {
  utilization->gpu = device->index == 0 ? 87 : 12;
  utilization->memory = 40;
  return 0;
}

int nvmlDeviceGetMemoryInfo(fake_device *device, nvmlMemory_t *memory) {
  memory->total = device->index == 0 ? 25757220864ULL : 16106127360ULL;
  memory->used = device->index == 0 ? 8589934592ULL : 1073741824ULL;
  memory->free = memory->total - memory->used;
  return 0;
}

int nvmlDeviceGetTemperature(fake_device *device, int sensor, unsigned int *celsius) {
  if (sensor != 0) return 2;
  *celsius = device->index == 0 ? 71 : 45;
  return 0;
}

int nvmlDeviceGetPowerUsage(fake_device *device, unsigned int *milliwatts) {
  if (device->index == 1) return 3; /* NVML_ERROR_NOT_SUPPORTED */
  *milliwatts = 231500;
  return 0;
}
