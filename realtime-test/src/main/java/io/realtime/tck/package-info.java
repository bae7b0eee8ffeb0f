/**
 * Compatibility kits: abstract JUnit classes that every implementation of an SPI must pass. An
 * implementation adds a small subclass that creates its instance, as with Micrometer's TCK.
 */
package io.realtime.tck;
