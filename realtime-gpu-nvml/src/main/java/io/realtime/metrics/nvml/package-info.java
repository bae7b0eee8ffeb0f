/**
 * GPU metrics: {@link io.realtime.metrics.nvml.NvmlGpuMetrics} through NVML, with the {@code
 * nvidia-smi} and AI-service {@code /health} fallbacks and {@link
 * io.realtime.metrics.nvml.GpuSources#firstAvailable} to chain them.
 */
package io.realtime.metrics.nvml;
