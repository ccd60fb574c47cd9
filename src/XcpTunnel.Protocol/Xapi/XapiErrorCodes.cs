namespace XcpTunnel.Protocol.Xapi;

/// <summary>The XAPI error codes the library reacts to (docs/xapi-console-protocol.md).</summary>
public static class XapiErrorCodes
{
    /// <summary><c>SESSION_INVALID [ref]</c>: the session expired or was destroyed; log in again once.</summary>
    public const string SessionInvalid = "SESSION_INVALID";

    /// <summary><c>HOST_IS_SLAVE [coordinator address]</c>: log in on the coordinator instead.</summary>
    public const string HostIsSlave = "HOST_IS_SLAVE";

    /// <summary>
    /// <c>HOST_STILL_BOOTING</c>: xapi on that host has not finished starting. Raised before dispatch in JSON-RPC; in
    /// XML-RPC it comes as an ordinary failure, so it is recognised by its code too.
    /// </summary>
    public const string HostStillBooting = "HOST_STILL_BOOTING";

    /// <summary><c>HANDLE_INVALID [class; ref]</c>: the object is gone (consoles die on reboot and migration).</summary>
    public const string HandleInvalid = "HANDLE_INVALID";

    /// <summary><c>UUID_INVALID [class; uuid]</c>: no object with that uuid.</summary>
    public const string UuidInvalid = "UUID_INVALID";

    /// <summary><c>MESSAGE_METHOD_UNKNOWN [method]</c>.</summary>
    public const string MessageMethodUnknown = "MESSAGE_METHOD_UNKNOWN";

    /// <summary><c>EVENTS_LOST</c>: <c>event.from</c> was given a token older than the events xapi still keeps.</summary>
    public const string EventsLost = "EVENTS_LOST";

    /// <summary><c>EVENT_FROM_TOKEN_PARSE_FAILURE [token]</c>: the token is not one xapi knows (a restarted xapi).</summary>
    public const string EventFromTokenParseFailure = "EVENT_FROM_TOKEN_PARSE_FAILURE";
}
