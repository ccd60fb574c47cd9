namespace XcpTunnel.Simulator;

/// <summary>The RBAC role of a simulated user (docs/xapi-console-protocol.md, "RFB from the consoles": <c>http/connect_console</c> needs vm-operator).</summary>
public enum SimulatedRole
{
    /// <summary>pool-admin: everything.</summary>
    PoolAdmin,

    /// <summary>vm-operator: may read and CONNECT to VM consoles.</summary>
    VmOperator,

    /// <summary>read-only: may read; CONNECT is answered 403.</summary>
    ReadOnly,
}
