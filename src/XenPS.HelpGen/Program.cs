using XenPS.HelpGen;

// XenPS.HelpGen <en-US source folder> <output help folder>
// Schema errors are printed in MSBuild's canonical form (file(line): error XPSHELP: ...), so the
// build that runs this fails naming the file and the line.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: XenPS.HelpGen <source folder with *.md> <output folder>");
    return 2;
}

if (!Directory.Exists(args[0]))
{
    Console.Error.WriteLine($"error XPSHELP: the help source folder '{args[0]}' does not exist.");
    return 2;
}

var errors = HelpBuilder.Build(args[0], args[1], Console.Out);
foreach (var error in errors)
{
    Console.Out.WriteLine(error.ToMSBuildError());
}

return errors.Count == 0 ? 0 : 1;
