namespace XcpTunnel.Simulator;

/// <summary>A VM's <c>power_state</c>; the member names are the wire values.</summary>
public enum SimulatedPowerState
{
    /// <summary><c>"Halted"</c>: not resident anywhere, no consoles.</summary>
    Halted,

    /// <summary><c>"Paused"</c>: resident and with consoles, but CONNECT is refused (not Running).</summary>
    Paused,

    /// <summary><c>"Running"</c>: the only state in which CONNECT succeeds.</summary>
    Running,

    /// <summary><c>"Suspended"</c>: not resident anywhere, no consoles.</summary>
    Suspended,
}
