namespace XcpTunnel.Simulator.Rpc;

/// <summary>The XAPI error codes the simulator raises (docs/xapi-console-protocol.md).</summary>
internal static class XapiErrors
{
    public const string SessionInvalid = "SESSION_INVALID";
    public const string SessionAuthenticationFailed = "SESSION_AUTHENTICATION_FAILED";
    public const string HostIsSlave = "HOST_IS_SLAVE";
    public const string HostStillBooting = "HOST_STILL_BOOTING";
    public const string HandleInvalid = "HANDLE_INVALID";
    public const string UuidInvalid = "UUID_INVALID";
    public const string MessageMethodUnknown = "MESSAGE_METHOD_UNKNOWN";
    public const string MessageParameterCountMismatch = "MESSAGE_PARAMETER_COUNT_MISMATCH";
    public const string FieldTypeError = "FIELD_TYPE_ERROR";
    public const string EventsLost = "EVENTS_LOST";
    public const string XmlRpcUnmarshalFailure = "XMLRPC_UNMARSHAL_FAILURE";
    public const string EventFromTokenParseFailure = "EVENT_FROM_TOKEN_PARSE_FAILURE";
}
