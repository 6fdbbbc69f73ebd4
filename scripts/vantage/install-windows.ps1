# Register the Task Scheduler task of a place on its own machine (Windows): every 5 minutes it runs
# scripts\vantage\place.py, which probes from here and pushes the samples to the place's mailbox.
# See docs/vantages.md, "Running a place on its own machine".
#
#   powershell -ExecutionPolicy Bypass -File install-windows.ps1 -Vantage kantor `
#       -Main C:\statusgen\main -Mailbox C:\statusgen\mailbox
#
# Run it as the user whose SSH key (the mailbox's deploy key) git uses; the task then runs as that user,
# whether or not anyone is logged on (S4U: no password is stored). Run it again to change the task;
# remove it with: Unregister-ScheduledTask -TaskName statusgen-place
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[a-z0-9-]+$')][string]$Vantage,
    [Parameter(Mandatory = $true)][string]$Main,
    [Parameter(Mandatory = $true)][string]$Mailbox,
    [string]$Python = (Get-Command python.exe -ErrorAction Stop).Source,
    [string]$TaskName = 'statusgen-place'
)
$ErrorActionPreference = 'Stop'

$Main = (Resolve-Path $Main).Path
$Mailbox = (Resolve-Path $Mailbox).Path
$Script = Join-Path $Main 'scripts\vantage\place.py'
foreach ($Needed in @($Script, (Join-Path $Main '.git'), (Join-Path $Mailbox '.git'))) {
    if (-not (Test-Path $Needed)) { throw "not found: $Needed" }
}
if ($Python -like '*\WindowsApps\*') {
    throw "$Python is the Microsoft Store alias, which a scheduled task cannot run: install Python from python.org and give -Python"
}
$null = Get-Command git.exe -ErrorAction Stop  # place.py runs git from PATH
$Log = Join-Path $Mailbox '.git\statusgen-place.log'

$Arguments = "`"$Script`" --vantage $Vantage --mailbox `"$Mailbox`" --main `"$Main`" --log `"$Log`""
$Action = New-ScheduledTaskAction -Execute $Python -Argument $Arguments -WorkingDirectory $Mailbox
# From now on, every 5 minutes, for ever (no -RepetitionDuration: without an end).
$Trigger = New-ScheduledTaskTrigger -Once -At (Get-Date) -RepetitionInterval (New-TimeSpan -Minutes 5)
# A run still going when the next is due: the next is not started. A run past 5 minutes is ended.
$Settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew -StartWhenAvailable `
    -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -ExecutionTimeLimit (New-TimeSpan -Minutes 5)
$User = [System.Security.Principal.WindowsIdentity]::GetCurrent().Name
$Principal = New-ScheduledTaskPrincipal -UserId $User -LogonType S4U -RunLevel Limited

Register-ScheduledTask -TaskName $TaskName -Action $Action -Trigger $Trigger -Settings $Settings `
    -Principal $Principal -Description "statusgen: probe from '$Vantage' and push the samples to its mailbox" `
    -Force | Out-Null
Write-Output "Task '$TaskName' registered: every 5 minutes as $User. Log: $Log"
Write-Output "First run now: Start-ScheduledTask -TaskName $TaskName"
