using System.Globalization;

namespace XcpTunnel.Simulator.Rpc;

/// <summary>
/// The XAPI methods, shared by both transports. A call is <c>Class.operation</c> with positional arguments, the
/// session ref first (except for login). Field getters (<c>VM.get_power_state</c> …) are served from the same
/// records as <c>get_record</c>, so the two can never disagree.
/// </summary>
internal sealed partial class RpcDispatcher(PoolContext pool)
{
    /// <summary>One call: where it arrived, who made it, its arguments (session excluded).</summary>
    private sealed record Call(SimulatedHost Host, string Method, Session? Session, IReadOnlyList<object?> Args, CancellationToken CancellationToken);

    private PoolDatabase Db => pool.Database;

    /// <summary>Runs <paramref name="method"/>; XAPI errors come out as <see cref="XapiFailureException"/>.</summary>
    public async Task<object?> CallAsync(SimulatedHost host, string method, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        pool.Counters.Called(method);
        int dot = method.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            throw new XapiFailureException(XapiErrors.MessageMethodUnknown, method);
        }

        string cls = method[..dot];
        string op = method[(dot + 1)..];
        if (cls.Equals("session", StringComparison.OrdinalIgnoreCase) && op == "login_with_password")
        {
            return await LoginAsync(host, method, args, cancellationToken).ConfigureAwait(false);
        }

        ObjectClass? objectClass = ObjectClass.Find(cls);
        int arity = Arity(cls, op, objectClass);
        if (arity < 0)
        {
            throw new XapiFailureException(XapiErrors.MessageMethodUnknown, method);
        }

        if (args.Count != arity)
        {
            throw new XapiFailureException(XapiErrors.MessageParameterCountMismatch, method,
                arity.ToString(CultureInfo.InvariantCulture), args.Count.ToString(CultureInfo.InvariantCulture));
        }

        string sessionRef = args[0] as string ?? "";
        Session session = pool.Sessions.Validate(sessionRef) ?? throw new XapiFailureException(XapiErrors.SessionInvalid, sessionRef);

        // api_server.ml: a member serves no API call of its own; with a session it knows, every call is refused
        // naming the coordinator (after pool.designate_new_master, the old coordinator answers so too).
        SimulatedHost coordinator;
        lock (Db.Sync)
        {
            coordinator = Db.Coordinator;
        }

        if (host != coordinator)
        {
            throw new XapiFailureException(XapiErrors.HostIsSlave, coordinator.Address.ToString());
        }

        var call = new Call(host, method, session, args.Skip(1).ToList(), cancellationToken);

        if (cls.Equals("session", StringComparison.OrdinalIgnoreCase))
        {
            if (op == "logout")
            {
                pool.Sessions.Logout(session.Ref);
            }

            return Session(call, op);
        }

        if (cls.Equals("event", StringComparison.OrdinalIgnoreCase))
        {
            return op == "inject" ? EventInject(call) : await EventFromAsync(call).ConfigureAwait(false);
        }

        return Object(call, objectClass!, op);
    }

    /// <summary>Parameter count including the session ref, or -1 for an unknown method.</summary>
    private static int Arity(string cls, string op, ObjectClass? objectClass)
    {
        if (cls.Equals("session", StringComparison.OrdinalIgnoreCase))
        {
            return op is "logout" or "get_this_host" or "get_this_user" ? (op == "logout" ? 1 : 2) : -1;
        }

        if (cls.Equals("event", StringComparison.OrdinalIgnoreCase))
        {
            return op switch
            {
                "from" => 4,
                "inject" => 3,
                _ => -1,
            };
        }

        if (objectClass is null)
        {
            return -1;
        }

        return op switch
        {
            "get_all" or "get_all_records" => 1,
            "get_record" or "get_by_uuid" => 2,
            "get_by_name_label" when objectClass.HasNameLabel => 2,
            // A field getter; an unknown field is reported once the record is at hand.
            _ when op.StartsWith("get_", StringComparison.Ordinal) => 2,
            _ => -1,
        };
    }

    private async Task<object?> LoginAsync(SimulatedHost host, string method, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        // The old two-parameter form (uname, pwd) is still accepted by xapi.
        if (args.Count is < 2 or > 4)
        {
            throw new XapiFailureException(XapiErrors.MessageParameterCountMismatch, method, "4", args.Count.ToString(CultureInfo.InvariantCulture));
        }

        SimulatedHost coordinator;
        lock (Db.Sync)
        {
            coordinator = Db.Coordinator;
        }

        if (host != coordinator)
        {
            throw new XapiFailureException(XapiErrors.HostIsSlave, coordinator.Address.ToString());
        }

        string user = RpcValue.AsString(args[0], "uname");
        string password = RpcValue.AsString(args[1], "pwd");
        string? originator = args.Count == 4 ? args[3] as string : null;
        Session? session = pool.Sessions.Login(user, password, string.IsNullOrEmpty(originator) ? null : originator);
        if (session is null)
        {
            pool.Counters.LoginFailed();
            await Task.Delay(pool.Options.LoginFailureDelay, pool.TimeProvider, cancellationToken).ConfigureAwait(false);
            throw new XapiFailureException(XapiErrors.SessionAuthenticationFailed, user, "Authentication failure");
        }

        return session.Ref;
    }

    private static string Session(Call call, string op)
    {
        switch (op)
        {
            case "logout":
                return "";
            case "get_this_host":
                return call.Host.Ref;
            default:
                return call.Session!.UserName;
        }
    }

    private object? Object(Call call, ObjectClass cls, string op)
    {
        lock (Db.Sync)
        {
            switch (op)
            {
                case "get_all":
                    return cls.All(Db).Select(r => (object?)r.Ref).ToList();
                case "get_all_records":
                    return cls.All(Db).ToDictionary(r => r.Ref, r => (object?)r.Record, StringComparer.Ordinal);
                case "get_by_uuid":
                {
                    string uuid = RpcValue.AsString(call.Args[0], "uuid");
                    return cls.All(Db).FirstOrDefault(r => string.Equals(r.Record["uuid"] as string, uuid, StringComparison.OrdinalIgnoreCase)).Ref
                        ?? throw new XapiFailureException(XapiErrors.UuidInvalid, cls.Name, uuid);
                }

                case "get_by_name_label":
                {
                    string label = RpcValue.AsString(call.Args[0], "label");
                    return cls.All(Db).Where(r => string.Equals(r.Record["name_label"] as string, label, StringComparison.Ordinal))
                        .Select(r => (object?)r.Ref).ToList();
                }

                default:
                {
                    string self = RpcValue.AsString(call.Args[0], "self");
                    Dictionary<string, object?> record = cls.Get(Db, self) ?? throw new XapiFailureException(XapiErrors.HandleInvalid, cls.Name, self);
                    if (op == "get_record")
                    {
                        return record;
                    }

                    if (cls.Name == "host" && op == "get_server_certificate")
                    {
                        return Db.FindHostByRef(self)!.PublishedCertificate.ExportCertificatePem();
                    }

                    return record.TryGetValue(op["get_".Length..], out object? field)
                        ? field
                        : throw new XapiFailureException(XapiErrors.MessageMethodUnknown, call.Method);
                }
            }
        }
    }
}
