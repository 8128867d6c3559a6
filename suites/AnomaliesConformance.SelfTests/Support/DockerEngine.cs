using NUnit.Framework;

namespace AnomaliesConformance.SelfTests.Support;

/// <summary>
/// The Docker engine container self-tests need: skipped locally with the reason when none answers, a failure on
/// CI (CI=true), where .ci/run starts one (.ci/docker-engine.sh).
/// </summary>
public static class DockerEngine
{
    public static async Task RequireAsync()
    {
        ChildProcessResult engine;
        try
        {
            engine = await ChildProcess.RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(30));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // No docker client at all on this machine.
            engine = new ChildProcessResult(127, "", e.Message);
        }

        if (engine.ExitCode != 0)
        {
            var reason = "no Docker engine answers (DOCKER_HOST=" + (Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unset") + "): " + engine.StandardError.Trim();
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail("CI must run the container tests, but " + reason);
            }

            Assert.Ignore("skipped locally: " + reason + " (.ci/docker-engine.sh starts one)");
        }
    }
}
