// AG Grid's Quartz theme following the app's light/dark scheme (body[data-ag-theme-mode], set by the shell) and fonts.
import { colorSchemeVariable, themeQuartz } from 'ag-grid-community'

export const gridTheme = themeQuartz.withPart(colorSchemeVariable).withParams({
  fontFamily: 'inherit',
  fontSize: 13,
  headerFontWeight: 600,
  rowHeight: 34,
  headerHeight: 38,
  spacing: 6,
  wrapperBorderRadius: 0,
  accentColor: 'var(--mantine-color-indigo-6)',
})
