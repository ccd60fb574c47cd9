using System.Text;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>A finished run: its exit code and everything it wrote.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, byte[] StandardOutputBytes, string StandardError)
{
    public string StandardOutput => Encoding.UTF8.GetString(StandardOutputBytes);

    /// <summary>A failure message: what happened, the command line and the tail of both streams.</summary>
    public string Describe(string what) => RunningProcess.Describe(what, CommandLine, StandardOutput, StandardError);
}
