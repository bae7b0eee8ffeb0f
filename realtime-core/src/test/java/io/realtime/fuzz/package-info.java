/** Support shared by the fuzz tests of every module (in realtime-core's test jar). */
package io.realtime.fuzz;
