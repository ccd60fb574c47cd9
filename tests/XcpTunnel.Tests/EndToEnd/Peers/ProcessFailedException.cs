namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>A peer program exited non-zero, ran past its timeout or did not produce what it should; the message holds its command line and output.</summary>
internal sealed class ProcessFailedException : Exception
{
    public ProcessFailedException()
    {
    }

    public ProcessFailedException(string message)
        : base(message)
    {
    }

    public ProcessFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProcessFailedException(string message, string commandLine, int? exitCode, bool timedOut)
        : base(message)
    {
        CommandLine = commandLine;
        ExitCode = exitCode;
        TimedOut = timedOut;
    }

    public string? CommandLine { get; }

    /// <summary>Null when the process had not exited by itself (timeout) or never started.</summary>
    public int? ExitCode { get; }

    public bool TimedOut { get; }
}
