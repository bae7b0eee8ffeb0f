/**
 * The standalone launcher: the three endpoints on Tyrus (Grizzly), on the in-memory transport or
 * Redis, with a simulated pipeline so that a newcomer sees live data at once.
 */
package io.realtime.examples;
