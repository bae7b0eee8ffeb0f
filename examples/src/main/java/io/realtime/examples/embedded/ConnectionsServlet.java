package io.realtime.examples.embedded;

import io.realtime.connection.ConnectionRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The host application's own servlet, mounted beside the endpoints: how many clients are on. */
public final class ConnectionsServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient ConnectionRegistry registry;

  /**
   * Creates the servlet.
   *
   * @param registry the registry it reports on
   */
  public ConnectionsServlet(ConnectionRegistry registry) {
    this.registry = registry;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("application/json");
    response.getWriter().write("{\"connections\":" + registry.count() + "}");
  }
}
