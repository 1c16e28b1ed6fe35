package bot

// importFile reads a work plan sent with /nhap.
func (c *conv) importFile(string) error {
	return c.say(textImportUsage)
}
