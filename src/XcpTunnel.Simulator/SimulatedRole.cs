namespace XcpTunnel.Simulator;

/// <summary>The RBAC role of a simulated user (XAPI.md §3: <c>http/connect_console</c> needs vm-operator).</summary>
public enum SimulatedRole
{
    /// <summary>pool-admin: everything.</summary>
    PoolAdmin,

    /// <summary>vm-operator: may read and CONNECT to VM consoles.</summary>
    VmOperator,

    /// <summary>read-only: may read; CONNECT is answered 403.</summary>
    ReadOnly,
}
