namespace XcpTunnel.Protocol.Xapi;

/// <summary>
/// XAPI answered the call with a failure: an error code and its parameters
/// (<c>ErrorDescription</c> in XML-RPC, <c>error</c> in JSON-RPC).
/// </summary>
public sealed class XapiFailureException : XcpTunnelException
{
    /// <summary>Creates the failure; parameters that would carry a session reference are redacted here.</summary>
    public XapiFailureException(string errorCode, IReadOnlyList<string> parameters)
        : this(errorCode, parameters, raisedBeforeDispatch: false)
    {
    }

    internal XapiFailureException(string errorCode, IReadOnlyList<string> parameters, bool raisedBeforeDispatch, string? host = null)
        : base(raisedBeforeDispatch
            ? $"XAPI at {host ?? "the host"} is not serving API calls: {Describe(errorCode, Redact(errorCode, parameters))}"
            : Describe(errorCode, Redact(errorCode, parameters)))
    {
        ErrorCode = errorCode;
        Parameters = Redact(errorCode, parameters);
        RaisedBeforeDispatch = raisedBeforeDispatch;
    }

    /// <summary>The XAPI error code, such as <c>SESSION_INVALID</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>The error's parameters, with any session reference redacted.</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>
    /// Whether the host raised it before dispatching the call (<c>HOST_STILL_BOOTING</c>, a member that lost its
    /// coordinator): a failure of that host, not an answer to the call; another host may serve it.
    /// </summary>
    public bool RaisedBeforeDispatch { get; }

    // SESSION_INVALID's only parameter is the dead session's ref: a bearer credential, never kept.
    private static string[] Redact(string errorCode, IReadOnlyList<string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return errorCode == XapiErrorCodes.SessionInvalid
            ? [.. parameters.Select(_ => "<redacted>")]
            : [.. parameters];
    }

    private static string Describe(string errorCode, string[] parameters) =>
        parameters.Length == 0
            ? $"XAPI failure {errorCode}"
            : $"XAPI failure {errorCode} [{string.Join("; ", parameters)}]";
}
