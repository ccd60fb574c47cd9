namespace XcpTunnel.Simulator;

/// <summary>
/// Users and sessions. A session is valid on every host of the pool, dies when unused for the session lifetime,
/// and the oldest of a user's sessions is destroyed beyond xapi's cap (docs/xapi-console-protocol.md, "Sessions").
/// </summary>
internal sealed class SessionTable(SimulatedPoolOptions options, SimulatedCounters counters)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string Password, SimulatedRole Role)> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly List<string> _issued = [];

    /// <summary>Every session ref ever handed out, live or not: what must never appear in a log.</summary>
    public IReadOnlyList<string> Issued
    {
        get
        {
            lock (_lock)
            {
                return [.. _issued];
            }
        }
    }

    public void AddUser(string userName, string password, SimulatedRole role)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(password);
        lock (_lock)
        {
            _users[userName] = (password, role);
        }
    }

    /// <summary>The new session, or null when the credentials are wrong.</summary>
    public Session? Login(string userName, string password, string? originator)
    {
        DateTimeOffset now = options.TimeProvider.GetUtcNow();
        lock (_lock)
        {
            if (!_users.TryGetValue(userName, out var user) || !string.Equals(user.Password, password, StringComparison.Ordinal))
            {
                return null;
            }

            RemoveExpired(now);
            bool root = string.Equals(userName, options.UserName, StringComparison.Ordinal);
            string? quotaOriginator = root ? originator ?? "" : null;
            int cap = root && string.IsNullOrEmpty(originator) ? options.MaxSessionsWithoutOriginator : options.MaxSessionsPerUser;
            List<Session> same = _sessions.Values
                .Where(s => s.UserName == userName && (quotaOriginator is null || (s.Originator ?? "") == quotaOriginator))
                .OrderBy(s => s.LastActive)
                .ToList();
            for (int i = 0; i <= same.Count - cap; i++)
            {
                _sessions.Remove(same[i].Ref);
                counters.SessionEvicted();
                counters.SessionEnded();
            }

            var session = new Session("OpaqueRef:" + Guid.NewGuid().ToString(), userName, user.Role, originator, now);
            _sessions.Add(session.Ref, session);
            _issued.Add(session.Ref);
            counters.LoginSucceeded();
            return session;
        }
    }

    /// <summary>The live session for <paramref name="sessionRef"/> (touching it), or null when unknown or expired.</summary>
    public Session? Validate(string? sessionRef)
    {
        if (string.IsNullOrEmpty(sessionRef))
        {
            return null;
        }

        DateTimeOffset now = options.TimeProvider.GetUtcNow();
        lock (_lock)
        {
            if (!_sessions.TryGetValue(sessionRef, out Session? session))
            {
                return null;
            }

            if (now - session.LastActive >= options.SessionLifetime)
            {
                _sessions.Remove(sessionRef);
                counters.SessionEnded();
                return null;
            }

            session.LastActive = now;
            return session;
        }
    }

    public bool Logout(string sessionRef)
    {
        lock (_lock)
        {
            if (!_sessions.Remove(sessionRef))
            {
                return false;
            }
        }

        counters.LoggedOut();
        counters.SessionEnded();
        return true;
    }

    public void ExpireAll()
    {
        lock (_lock)
        {
            foreach (Session _ in _sessions.Values)
            {
                counters.SessionEnded();
            }

            _sessions.Clear();
        }
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        foreach (Session s in _sessions.Values.Where(s => now - s.LastActive >= options.SessionLifetime).ToList())
        {
            _sessions.Remove(s.Ref);
            counters.SessionEnded();
        }
    }
}

/// <summary>A live session. <see cref="Ref"/> is the bearer credential: never log it.</summary>
internal sealed class Session(string opaqueRef, string userName, SimulatedRole role, string? originator, DateTimeOffset now)
{
    public string Ref { get; } = opaqueRef;

    public string UserName { get; } = userName;

    public SimulatedRole Role { get; } = role;

    public string? Originator { get; } = originator;

    public DateTimeOffset LastActive { get; set; } = now;
}
