namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>The stock VNC viewers from Debian 12 the end-to-end tests drive.</summary>
public enum StockViewer
{
    /// <summary>TigerVNC 1.12 <c>xtigervncviewer</c> (FLTK), on Xvfb.</summary>
    TigerVnc,

    /// <summary>gtk-vnc 1.3.1 <c>gvncviewer</c>, on Xvfb.</summary>
    GvncViewer,

    /// <summary>gtk-vnc 1.3.1 <c>gvnccapture</c>, command line.</summary>
    GvncCapture,

    /// <summary><c>vncsnapshot</c> 1.2a, command line, RFB 3.3 only.</summary>
    VncSnapshot,

    /// <summary>Remmina 1.4.29 with its VNC plugin (libvncclient), on Xvfb.</summary>
    Remmina,
}
