namespace XcpTunnel.Simulator.Rpc;

/// <summary>An XAPI error (<c>Failure</c> in XML-RPC, <c>error</c> in JSON-RPC): a code and its string parameters.</summary>
internal sealed class XapiFailureException : Exception
{
    public XapiFailureException()
        : this("INTERNAL_ERROR")
    {
    }

    public XapiFailureException(string message)
        : base(message) => Description = [message];

    public XapiFailureException(string message, Exception innerException)
        : base(message, innerException) => Description = [message];

    public XapiFailureException(string code, params string[] parameters)
        : base(code) => Description = [code, .. parameters];

    /// <summary>The code, then its parameters: what goes on the wire.</summary>
    public IReadOnlyList<string> Description { get; }
}
