/**
 * For hosts that run the endpoints on Tyrus in a Grizzly server: {@link
 * io.realtime.jakarta.ws.tyrus.TyrusFrameGuard} installs a {@link
 * io.realtime.jakarta.ws.tyrus.FrameLimitFilter} that refuses a frame over the message limits as
 * its header arrives, with 1009, which stock Tyrus does not do. Needs Tyrus's Grizzly server on the
 * classpath (optional dependencies of this module); nothing else in the module loads these classes.
 */
package io.realtime.jakarta.ws.tyrus;
